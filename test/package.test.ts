import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';

// Checks the published shape: every subpath export has ESM and CJS builds with
// type declarations that resolve under every TypeScript module mode.
const root = new URL('..', import.meta.url);
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { exports: Record<string, unknown>; bin: Record<string, string> };

beforeAll(() => {
  if (!existsSync(new URL('dist/index.js', root))) run('npm', ['run', 'build']);
}, 120_000);

describe('package', () => {
  it('every subpath export points at files that exist', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const conditions = target as Record<string, Record<string, string>>;
      for (const mode of ['import', 'require']) {
        for (const file of Object.values(conditions[mode] ?? {})) expect(existsSync(new URL(file, root)), `${subpath} ${file}`).toBe(true);
      }
    }
  });

  it('passes publint', () => {
    const out = run('npx', ['publint', '--strict']);
    expect(out).not.toMatch(/error|warning/i);
  }, 60_000);

  it('passes @arethetypeswrong/cli for every entry (node16 from CJS and ESM, bundler)', () => {
    // node10 resolution predates `exports`; every other mode must resolve types and code.
    let out: string;
    try {
      out = run('npx', ['attw', '--pack', '.', '--profile', 'node16', '--format', 'json']);
    } catch (error) {
      out = String((error as { stdout?: string }).stdout ?? '');
    }
    const report = JSON.parse(out) as { problems: Record<string, { entrypoint: string; resolutionKind?: string }[]> };
    const problems = Object.values(report.problems).flat().filter((p) => p.resolutionKind !== 'node10');
    expect(problems).toEqual([]);
    const entrypoints = Object.keys((JSON.parse(out) as { analysis: { entrypoints: object } }).analysis.entrypoints);
    expect(entrypoints).toEqual(expect.arrayContaining(Object.keys(pkg.exports).filter((e) => e !== './package.json').map((e) => (e === '.' ? '.' : e))));
  }, 120_000);

  it('the logto-authkit bin is an executable node script that loads the core by its package name', () => {
    const bin = pkg.bin['logto-authkit'] ?? '';
    const file = new URL(bin, root);
    expect(readFileSync(file, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(file).mode & 0o111).not.toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/from ["']logto-authkit["']/);
    expect(run('node', [bin, 'inspect', '--help'])).toContain('Usage: logto-authkit inspect');
  });

  it.each([
    ['./dist/index.cjs', ['@trpc', 'graphql', '@opentelemetry']],
    ['./dist/trpc/index.cjs', ['graphql']],
    ['./dist/graphql/index.cjs', ['@trpc']],
    ['./dist/redis/index.cjs', ['@trpc', 'graphql', 'redis']],
    ['./dist/express/index.cjs', ['@trpc', 'graphql']],
    ['./dist/next/index.cjs', ['@trpc', 'graphql', 'next']],
    ['./dist/opentelemetry/index.cjs', ['@trpc', 'graphql', '@opentelemetry/sdk']],
    // The scope map is plain functions: nothing of Pothos (nor of Apollo, for the graphql entry) is loaded.
    ['./dist/pothos/index.cjs', ['@trpc', '@pothos', '@apollo']],
    ['./dist/graphql/index.cjs', ['@apollo', 'graphql-yoga']],
    // Types only from Hono: the middleware is plain Fetch.
    ['./dist/hono/index.cjs', ['@trpc', 'graphql', 'hono']],
    // The plugin carries fastify-plugin's marks itself: neither Fastify nor fastify-plugin is loaded.
    ['./dist/fastify/index.cjs', ['@trpc', 'graphql', 'fastify']],
    // Only the SDK's error classes are loaded (run time `instanceof` in its middleware), not its server or Express.
    ['./dist/mcp/index.cjs', ['@trpc', 'graphql', 'express', '@modelcontextprotocol/sdk/dist/cjs/server/mcp', '@modelcontextprotocol/sdk/dist/cjs/server/auth/middleware']],
  ])('%s loads no other framework', (entry, forbidden) => {
    const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
    const loaded = JSON.parse(run('node', ['-e', script])) as string[];
    expect(loaded.length).toBeGreaterThan(1);
    for (const name of forbidden) expect(loaded.filter((file) => file.includes(`/node_modules/${name}`))).toEqual([]);
  });
});
