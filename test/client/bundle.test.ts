import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

// logto-authkit/client runs in browsers: bundled for one, it must pull in
// nothing but its own files (no jose, zod, server core, tRPC or graphql-ws code, no node: module).
async function bundle(contents: string) {
  const result = await build({
    stdin: { contents, resolveDir: process.cwd(), sourcefile: 'entry.ts', loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((path) => path !== 'entry.ts');
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
  return { inputs, imports, text: result.outputFiles[0]?.text ?? '' };
}

describe('logto-authkit/client in a browser bundle', () => {
  it('the whole entry contains only src/client files and no node: import', async () => {
    const { inputs, imports, text } = await bundle(`export * from './src/client/index.ts'`);
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((path) => !path.startsWith('src/client/'))).toEqual([]);
    expect(imports.filter((path) => path.startsWith('node:') || !path.startsWith('src/client/'))).toEqual([]);
    expect(text).toContain('createAuthFetch');
  });

  it('createAuthFetch alone carries none of the tRPC or graphql-ws helpers', async () => {
    const { inputs, text } = await bundle(`export { createAuthFetch } from './src/client/index.ts'`);
    expect(inputs.filter((path) => !path.startsWith('src/client/'))).toEqual([]);
    expect(text).not.toMatch(/UNAUTHENTICATED|UNAUTHORIZED|lastEventId/);
    expect(text).toContain('invalid_token');
  });
});
