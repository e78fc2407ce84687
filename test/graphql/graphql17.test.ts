import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, generateTestSigningKey, type TestIssuer } from '../../src/testing/index.js';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));
const modules = realpathSync(join(root, 'node_modules'));

/**
 * A directory whose node_modules is the project's, entry by entry, except `graphql` → the
 * graphql 17 copy (`graphql17`, a package alias) and `logto-authkit` → this build's dist.
 * Run with `--preserve-symlinks`, every module keeps its path under this directory, so
 * graphql-yoga, @graphql-tools/* and our build all resolve `graphql` to the one graphql 17.
 */
function graphql17Tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'authkit-graphql17-'));
  mkdirSync(join(dir, 'node_modules', 'logto-authkit'), { recursive: true });
  for (const entry of readdirSync(modules)) {
    if (entry === 'graphql' || entry === 'graphql17' || entry === '.bin' || entry.startsWith('.')) continue;
    symlinkSync(join(modules, entry), join(dir, 'node_modules', entry));
  }
  symlinkSync(join(modules, 'graphql17'), join(dir, 'node_modules', 'graphql'));
  // A directory of its own (not a link to the repository, whose node_modules holds graphql 16).
  writeFileSync(join(dir, 'node_modules', 'logto-authkit', 'package.json'), readFileSync(join(root, 'package.json')));
  symlinkSync(join(root, 'dist'), join(dir, 'node_modules', 'logto-authkit', 'dist'));
  symlinkSync(fileURLToPath(new URL('./graphql17-probe.mjs', import.meta.url)), join(dir, 'probe.mjs'));
  return dir;
}

interface Answer {
  status: number;
  wwwAuthenticate: string | null;
  body: { data?: Record<string, unknown> | null; errors?: Array<{ path?: string[]; extensions?: Record<string, unknown> }> };
}
interface Report {
  version: string;
  resolved: Record<string, { path: string; version: string }>;
  schemaIsGraphQL17: boolean;
  yoga: Record<string, Answer>;
  pothos: Record<string, Answer>;
  direct: { data: unknown; isGraphQLError: boolean; authCode: string; json: Record<string, unknown> };
}

let issuer: TestIssuer;
let dir: string;
let report: Report;

beforeAll(async () => {
  issuer = await createTestIssuer();
  const foreignKey = await (await generateTestSigningKey()).signingKey('ES384');
  const env = {
    LOGTO_URL: issuer.logtoUrl,
    AUDIENCE: issuer.audience,
    GOOD: await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }),
    FORGED: await issuer.mintToken({ sub: 'user-1', scope: 'write:posts' }, { key: foreignKey }),
    NO_SCOPE: await issuer.mintToken({ sub: 'user-2', scope: 'read:posts' }),
  };
  dir = graphql17Tree();
  // graphql 17's development build (the `development` condition) throws when two copies meet.
  const flags = ['--preserve-symlinks', '--preserve-symlinks-main', '--conditions=development'];
  const { stdout } = await run(process.execPath, [...flags, join(dir, 'probe.mjs')], {
    cwd: dir,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
});

afterAll(async () => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  await issuer?.close();
});

describe('the published GraphQL pieces on graphql 17', () => {
  it('load one graphql 17 everywhere: the probe, graphql-yoga, @graphql-tools/*, @envelop/core, Pothos and our build', () => {
    expect(report.version).toMatch(/^17\./);
    const graphqlDir = join(dir, 'node_modules', 'graphql');
    for (const [from, { path, version }] of Object.entries(report.resolved)) {
      expect({ from, version, inGraphql17: path.startsWith(`${graphqlDir}/`) }).toEqual({ from, version: report.version, inGraphql17: true });
    }
    expect(report.schemaIsGraphQL17).toBe(true);
  });

  it('useLogtoAuth on Yoga: 200 public and granted, 401 no token / forged, 403 missing scope with WWW-Authenticate', () => {
    const { PUBLIC, NONE, PARTIAL, FORGED, GOOD, NO_SCOPE } = report.yoga as Record<string, Answer>;
    expect(PUBLIC).toMatchObject({ status: 200, body: { data: { health: 'ok' } } });
    expect(NONE).toMatchObject({ status: 401, wwwAuthenticate: 'Bearer realm="api"' });
    expect(NONE?.body.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED', 'UNAUTHENTICATED']);
    expect(PARTIAL).toMatchObject({ status: 200, wwwAuthenticate: null, body: { data: { health: 'ok', me: null }, errors: [{ path: ['me'] }] } });
    expect(FORGED?.status).toBe(401);
    expect(FORGED?.wwwAuthenticate).toMatch(/error="invalid_token"/);
    expect(GOOD).toMatchObject({ status: 200, body: { data: { me: 'user-1', secret: 'user-1', fedMe: 'user-1', fedSecret: 'user-1', fedOwned: 'user-1' } } });
    expect(GOOD?.body.errors).toBeUndefined();
    expect(NO_SCOPE?.status).toBe(403);
    expect(NO_SCOPE?.wwwAuthenticate).toMatch(/error="insufficient_scope".*scope="write:posts"/);
    // Yoga turns extensions.http into the response status and drops it, as on graphql 16.
    expect(NO_SCOPE?.body.errors?.[0]?.extensions).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'insufficient_scope',
      requiredScopes: ['write:posts'],
      missingScopes: ['write:posts'],
    });
  });

  it('federation directives: @requiresScopes (OR of ANDs) and @policy refuse with 403', () => {
    const { FED_NO_SCOPE, FED_POLICY } = report.yoga as Record<string, Answer>;
    expect(FED_NO_SCOPE).toMatchObject({ status: 403, body: { data: { fedSecret: null }, errors: [{ path: ['fedSecret'], extensions: { code: 'FORBIDDEN' } }] } });
    expect(FED_POLICY).toMatchObject({ status: 403, body: { data: { fedOwned: null }, errors: [{ path: ['fedOwned'], extensions: { code: 'FORBIDDEN' } }] } });
  });

  it('a Pothos schema (scope-auth) with pothosAuthScopes on Yoga: 401 / 200 / 403', () => {
    const { NONE, GOOD, NO_SCOPE } = report.pothos as Record<string, Answer>;
    expect(NONE).toMatchObject({ status: 401, wwwAuthenticate: 'Bearer realm="api"', body: { errors: [{ path: ['me'], extensions: { code: 'UNAUTHENTICATED' } }] } });
    expect(GOOD).toMatchObject({ status: 200, body: { data: { health: 'ok', me: 'user-1', posts: 'user-1' } } });
    expect(NO_SCOPE?.status).toBe(403);
    expect(NO_SCOPE?.wwwAuthenticate).toMatch(/error="insufficient_scope".*scope="write:posts"/);
  });

  it("graphql 17's own execute: the refusal is a GraphQLError carrying our AuthError and extensions", () => {
    expect(report.direct).toMatchObject({
      data: { health: 'ok', secret: null },
      isGraphQLError: true,
      authCode: 'insufficient_scope',
      json: { path: ['secret'], extensions: { code: 'FORBIDDEN', http: { status: 403 } } },
    });
  });
});
