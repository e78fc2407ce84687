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

// Plain data compares by value; everything else (stores, schemas, functions,
// class instances, and any object holding one) by identity. No getter is ever
// called: a store's `size` or `healthy` changes with every logout, and reading
// it must not make a new kit.
function dataKey(value: unknown, depth: number): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return `n${String(value)}`;
  if (typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  const proto: unknown = Object.getPrototypeOf(value);
  const descriptors = Object.entries(Object.getOwnPropertyDescriptors(value)).filter(([name]) => !(Array.isArray(value) && name === 'length'));
  if (descriptors.some(([, d]) => !('value' in d))) return undefined;
  const parts: string[] = [];
  for (const [name, d] of descriptors) {
    if (d.value === undefined || d.enumerable !== true) continue;
    const part = dataKey(d.value, depth + 1);
    if (part === undefined) return undefined;
    parts.push(`${JSON.stringify(name)}:${part}`);
  }
  if (Array.isArray(value) && proto === Array.prototype) return `[${parts.join(',')}]`;
  if (proto !== Object.prototype && proto !== null) return undefined;
  return `{${parts.sort().join(',')}}`;
}

const identity = (value: unknown): string => {
  if (typeof value !== 'object' && typeof value !== 'function') return `?${String(typeof value)}`;
  if (value === null) return 'null';
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = nextIdentity++));
  return `#${id}`;
};

/**
 * The registry key of `options`: each option that is plain data gives its
 * value, any other (a store, a schema, a function) its identity.
 *
 * @example
 * ```ts
 * optionsKey({ audience: 'a', logtoUrl: 'u' }) === optionsKey({ logtoUrl: 'u', audience: 'a' }) // true
 * ```
 */
export function optionsKey(options: object): string {
  const parts: string[] = [];
  for (const [name, d] of Object.entries(Object.getOwnPropertyDescriptors(options))) {
    if (d.enumerable !== true || ('value' in d && d.value === undefined)) continue;
    // An accessor option is compared by the identity of its getter, never called.
    const value: unknown = 'value' in d ? d.value : d.get;
    parts.push(`${JSON.stringify(name)}:${dataKey(value, 0) ?? identity(value)}`);
  }
  return `{${parts.sort().join(',')}}`;
}

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
