/**
 * The shared kits behind `kitFor`, `resolveKit` and the one-shot `verifyAuth`:
 * one kit per distinct options, so a middleware built from options still
 * shares one key set and one token cache across requests.
 */
import type { AuthKitOptions } from './options.js';
import { createAuthKit, type AuthKit } from './kit.js';

/** Kits kept before the least recently used idle one is let go. */
const MAX_KITS = 64;
/** Kits created in one process beyond which options are almost surely built per request. */
const MANY_KITS = 32;
const MAX_DEPTH = 8;

interface Shared {
  kit: AuthKit<unknown>;
  /** Handed out by `kitFor`/`resolveKit`: a middleware may hold it for the life of the process. */
  held: boolean;
  /** One-shot verifications running on it right now. */
  inFlight: number;
}

const kits = new Map<string, Shared>();
const identities = new WeakMap<object, number>();
let nextIdentity = 0;
let created = 0;

const identity = (value: object): string => {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return `#${id}`;
};

// Plain data compares by value; everything else (stores, schemas, functions,
// class instances) by identity. No getter is ever called: a store's `size` or
// `healthy` changes with every logout, and reading it must not make a new kit.
function encode(value: unknown, depth: number): string {
  if (value === undefined) return 'u';
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'bigint') return `n${String(value)}`;
  if (typeof value !== 'object' && typeof value !== 'function') return identity(Object(value) as object);
  if (typeof value === 'function' || depth > MAX_DEPTH) return identity(value);
  const proto: unknown = Object.getPrototypeOf(value);
  const descriptors = Object.getOwnPropertyDescriptors(value);
  const entries = Object.entries(descriptors);
  if (entries.some(([, d]) => d.get !== undefined || d.set !== undefined)) return identity(value);
  if (Array.isArray(value) && proto === Array.prototype) {
    return `[${(value as unknown[]).map((item) => encode(item, depth + 1)).join(',')}]`;
  }
  if (proto !== Object.prototype && proto !== null) return identity(value);
  const fields = entries
    .filter(([name, d]) => d.enumerable === true && d.value !== undefined && typeof name === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, d]) => `${JSON.stringify(name)}:${encode(d.value, depth + 1)}`);
  return `{${fields.join(',')}}`;
}

/**
 * The registry key of `options`: equal plain data gives an equal key, and any
 * other value (a store, a schema, a function) is compared by identity.
 *
 * @example
 * ```ts
 * optionsKey({ audience: 'a', logtoUrl: 'u' }) === optionsKey({ logtoUrl: 'u', audience: 'a' }) // true
 * ```
 */
export const optionsKey = (options: object): string => encode(options, 0);

// Only a kit no caller can hold (used by one-shot `verifyAuth` alone, idle) is
// closed. A held kit is merely forgotten: its holder keeps a working kit, and
// it is garbage once the holder lets go of it. Closing it would leave a
// middleware answering 503 for the rest of the process.
function evict(): void {
  if (kits.size <= MAX_KITS) return;
  for (const [key, shared] of kits) {
    if (shared.inFlight > 0) continue;
    kits.delete(key);
    if (!shared.held) shared.kit.close();
    return;
  }
}

function shared<TClaims>(options: AuthKitOptions<TClaims>): Shared {
  const key = optionsKey(options);
  let entry = kits.get(key);
  if (entry === undefined) {
    entry = { kit: createAuthKit(options) as AuthKit<unknown>, held: false, inFlight: 0 };
    if (++created === MANY_KITS) {
      console.warn(
        `logto-authkit: ${MANY_KITS} auth kits created from options in this process; options are probably built per request ` +
          '(a new store, schema or function each time). Build them once, or create one kit with createAuthKit() and pass it.',
      );
    }
  } else {
    kits.delete(key);
  }
  // Re-inserted on every use: Map order is then least recently used first.
  kits.set(key, entry);
  return entry;
}

/**
 * The shared kit for `options` (created on first use). It is never closed by
 * the registry, so a middleware may keep it for the life of the process.
 *
 * @example
 * ```ts
 * const kit = kitFor({ logtoUrl, audience }) // the same kit for equal options
 * ```
 */
export function kitFor<TClaims>(options: AuthKitOptions<TClaims>): AuthKit<TClaims> {
  const entry = shared(options);
  entry.held = true;
  evict();
  return entry.kit as AuthKit<TClaims>;
}

/**
 * Run `use` on the shared kit for `options` without handing the kit out, so
 * the registry may close it once idle and unused.
 *
 * @example
 * ```ts
 * const auth = await withSharedKit(options, (kit) => kit.verifyAuth(request))
 * ```
 */
export async function withSharedKit<TClaims, T>(options: AuthKitOptions<TClaims>, use: (kit: AuthKit<TClaims>) => Promise<T>): Promise<T> {
  const entry = shared(options);
  entry.inFlight++;
  evict();
  try {
    return await use(entry.kit as AuthKit<TClaims>);
  } finally {
    entry.inFlight--;
  }
}
