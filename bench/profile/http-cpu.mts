/**
 * Server CPU per request of HTTP (and tRPC WebSocket) servers of `bench/http/server.ts`, kinds
 * measured in alternation over rounds (medians), and optionally a CPU profile of each server
 * summarised as the share of its busy samples spent in the kit (any frame under `src/`).
 * `node --import tsx bench/profile/http-cpu.mts [--prof] [--rounds=n] [--seconds=s] kind...`
 * `kind@/path/to/checkout` runs that checkout's server and kit (before/after in one run).
 * `--summarise file...` only summarises profiles already written. Profiles go to /tmp/prof/http-<kind>/ (pinning as in the benchmark; BENCH_PIN=0 turns it off).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createTestIssuer } from '../../src/testing/index.js';
import { checkServer, loadServer, startServer, type RunningServer } from '../http/load.js';
import type { ServerKind } from '../http/kinds.js';
import { median } from '../lib/measure.js';
import { forgeBadSignature, mintMany } from '../lib/tokens.js';

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const kinds = process.argv.slice(2).filter((a) => !a.startsWith('--')) as ServerKind[];
const flag = (name: string, fallback: number): number => Number(flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const prof = flags.includes('--prof');
const rounds = flag('rounds', 4);
const seconds = flag('seconds', 2);

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

/**
 * Share of busy samples spent for the kit, and its top frames by self time. A sample is the kit's
 * when, walking up from the leaf past Node's internals and builtins, the first frame of a package
 * or of the app is the kit's (its `src/`, or jose and cookie which only the kit calls here): so the
 * route a kit middleware hands on to is the framework's, not the kit's.
 */
function summarise(file: string): string {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const KIT = /\/src\/(core|express|hono|graphql|trpc|fastify)\/|^(?!.*node_modules).*\/dist\/|node_modules\/(jose|cookie)\//;
  const owner = (id: number | undefined): 'kit' | 'other' => {
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)!.callFrame.url;
      if (url === '' || url.startsWith('node:')) continue;
      return KIT.test(url) ? 'kit' : 'other';
    }
    return 'other';
  };
  let busy = 0;
  let kit = 0;
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const dt = profile.timeDeltas[i] ?? 0;
    if (n.callFrame.functionName === '(idle)') return;
    busy += dt;
    if (owner(id) !== 'kit') return;
    kit += dt;
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/.*\/(src|node_modules)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 14).map(([k, v]) => `    ${((v / busy) * 100).toFixed(2)} %  ${k}`);
  return `  kit ${((kit / busy) * 100).toFixed(1)} % of ${(busy / 1000).toFixed(0)} ms busy\n${top.join('\n')}`;
}

if (flags.includes('--summarise')) {
  for (const file of kinds) console.log(file, summarise(file));
  process.exit(0);
}
const issuer = await createTestIssuer();
const tokens = await mintMany(issuer, 100);
const forged = await forgeBadSignature(issuer);
const servers = new Map<ServerKind, RunningServer>();
const dir = (kind: string): string => `/tmp/prof/http-${kind.replace(/[^\w-]/g, '_')}`;
for (const kind of kinds) {
  if (prof) rmSync(dir(kind), { recursive: true, force: true }), mkdirSync(dir(kind), { recursive: true });
  process.env.BENCH_SERVER_ARGS = prof ? `--cpu-prof --cpu-prof-dir=${dir(kind)}` : '';
  const [name, checkout] = kind.includes('@') ? (kind.split('@') as [ServerKind, string]) : [kind, undefined];
  const server = await startServer(name, issuer.logtoUrl, issuer.audience, checkout);
  servers.set(kind, server);
  await checkServer(name, server.port, tokens[0]!, 'user-0', forged);
  await loadServer(name, server, tokens, { warmupSeconds: 0, seconds: 2 });
}
const cpu = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
const rate = new Map<ServerKind, number[]>(kinds.map((k) => [k, []]));
for (let r = 0; r < rounds; r++) {
  for (const kind of r % 2 ? [...kinds].reverse() : kinds) {
    const result = await loadServer(kind.split('@')[0] as ServerKind, servers.get(kind)!, tokens, { seconds, warmupSeconds: 0.3 });
    cpu.get(kind)!.push(result.serverCpuMicrosPerRequest);
    rate.get(kind)!.push(result.requestsPerSec);
  }
}
for (const server of servers.values()) await server.stop();
await issuer.close();
for (const kind of kinds) {
  const c = cpu.get(kind)!;
  console.log(`${kind}: ${median(c).toFixed(1)} µs CPU/request (rounds ${c.map((v) => v.toFixed(1)).join(', ')}), ${median(rate.get(kind)!).toFixed(0)} req/s`);
  // The largest profile is the server's main thread (tsx's loader thread writes its own).
  const files = prof ? readdirSync(dir(kind)).map((f) => `${dir(kind)}/${f}`) : [];
  const main = files.sort((a, b) => statSync(b).size - statSync(a).size)[0];
  if (main) console.log(summarise(main));
}
