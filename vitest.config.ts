import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      // graphql 16 has no `exports` map: without this, Vite loads index.mjs for
      // our code and Node loads index.js for Yoga, two GraphQLSchema classes.
      { find: /^graphql$/, replacement: require.resolve('graphql') },
      { find: /^logto-authkit$/, replacement: src('index.ts') },
      { find: /^logto-authkit\/(.*)$/, replacement: src('$1/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/setup/fast-check-seed.ts'],
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.vitest-report.json' }]] : ['default'],
    // The *types.test.ts files run twice: as tests, and type-checked by vitest (a wrong type fails the run).
    typecheck: { enabled: true, include: ['test/**/*types.test.ts', 'test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
