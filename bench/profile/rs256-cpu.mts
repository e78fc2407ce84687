/**
 * CPU per unique RS256 token at concurrency 8, the kit against the floor (jose with an imported key),
 * with a CPU profile of the verification phase only (written to /tmp/prof/<mode>.cpuprofile).
 * `node --import tsx bench/profile/rs256-cpu.mts floor|kit [nocache]` after `npm run build`.
 */
import { Session } from 'node:inspector/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import { importJWK, jwtVerify } from 'jose';
import { createTestIssuer } from '../../src/testing/index.js';
import { createAuthKit } from '../../dist/index.js';
import { mintMany } from '../lib/tokens.js';
const issuer = await createTestIssuer({ alg: 'RS256' });
const tokens = await mintMany(issuer, Number(process.env.TOKENS ?? 30000));
const mode = process.argv[2] ?? 'kit';
let verify: (t: string) => Promise<unknown>;
if (mode === 'kit') {
  const kit = createAuthKit({ logtoUrl: issuer.logtoUrl, audience: issuer.audience, algorithms: ['RS256'], onWarning: () => {}, ...(process.argv[3] === 'nocache' ? { tokenCache: false } : {}) });
  await kit.verifyToken(tokens[0]!);
  verify = (t) => kit.verifyToken(t);
} else {
  const jwks = await (await fetch(`${issuer.logtoUrl}/oidc/jwks`)).json() as { keys: Record<string, unknown>[] };
  const key = await importJWK(jwks.keys.find((k) => k.kty === 'RSA')!, 'RS256');
  verify = (t) => jwtVerify(t, key, { issuer: issuer.issuer, audience: issuer.audience, algorithms: ['RS256'] });
}
const s = new Session(); s.connect(); await s.post('Profiler.enable'); await s.post('Profiler.start');
const t0 = performance.now(); let i = 1;
const cpu0 = process.cpuUsage();
await Promise.all(Array.from({ length: 8 }, async () => { while (i < tokens.length) { const t = tokens[i++]!; await verify(t); } }));
const el = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
const { profile } = await s.post('Profiler.stop'); mkdirSync('/tmp/prof', { recursive: true }); writeFileSync(`/tmp/prof/${process.env.PROF_NAME ?? mode}.cpuprofile`, JSON.stringify(profile));
console.log(mode, process.argv[3] ?? '', (tokens.length / (el / 1000)).toFixed(0), '/s; process CPU µs per token', ((cpu.user + cpu.system) / tokens.length).toFixed(1));
process.exit(0);
