/**
 * A multi-tenant tRPC API on Logto organizations: `npx tsx examples/multi-tenant/server.ts`.
 * Without LOGTO_URL it starts a local test issuer and prints tokens for alice
 * (acme admin), bob (acme viewer) and carol (globex admin); with
 * LOGTO_URL and LOGTO_AUDIENCE it verifies your tenant's tokens.
 * `--self-test` sends the README's three requests, prints them and exits.
 */
import { createAuthKit } from 'logto-authkit';
import { createTestIssuer } from 'logto-authkit/testing';
import { startMultiTenantExample } from './app.js';
import { formatOutcome, mintDemoTokens, tryRequests } from './try.js';


const selfTest = process.argv.includes('--self-test');
// An empty variable counts as unset (`LOGTO_URL= npx tsx …`).
const tenant = process.env.LOGTO_URL || undefined;
if (selfTest && tenant) throw new Error('--self-test mints its tokens on the local test issuer: unset LOGTO_URL');

const issuer = tenant ? undefined : await createTestIssuer();
const kit = createAuthKit({
  logtoUrl: tenant ?? issuer?.logtoUrl ?? '',
  audience: (tenant && process.env.LOGTO_AUDIENCE) || (issuer?.audience ?? ''),
});
const example = await startMultiTenantExample({ kit, port: selfTest ? 0 : Number(process.env.PORT ?? 3000) });
const tokens = issuer ? await mintDemoTokens(issuer) : undefined;

async function stop(): Promise<void> {
  await example.close();
  kit.close();
  await issuer?.close();
}

if (selfTest && tokens) {
  const outcomes = await tryRequests(example.url, tokens);
  for (const [index, outcome] of outcomes.entries()) console.log(`${index + 1}. ${formatOutcome(outcome)}`);
  await stop();
  const expected = [200, 403, 403];
  process.exitCode = outcomes.every((outcome, index) => outcome.status === expected[index]) ? 0 : 1;
} else {
  console.log(`multi-tenant tRPC API on ${example.url}`);
  if (tokens) {
    console.log(`ALICE_TOKEN=${tokens.aliceAtAcme}`);
    console.log(`BOB_TOKEN=${tokens.bobAtAcme}`);
    console.log(`CAROL_TOKEN=${tokens.carolAtGlobex}`);
  }
  const onSignal = (): void => void stop();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
