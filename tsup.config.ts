import { existsSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per subpath export; each adapter is its own entry so that importing
// one never loads another's framework.
const subpaths = ['testing', 'trpc', 'graphql', 'express', 'next', 'redis', 'opentelemetry', 'client', 'pothos', 'hono', 'fastify', 'mcp'];

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    ...Object.fromEntries(subpaths.filter((name) => existsSync(`src/${name}/index.ts`)).map((name) => [`${name}/index`, `src/${name}/index.ts`])),
    // The `logto-authkit` bin (package.json `bin`), not a subpath export; esbuild keeps its shebang.
    'cli/index': 'src/cli/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: false,
  treeshake: true,
  // Adapters import the core by its package name, so every entry shares one
  // copy of it (one AuthError class, one kit registry) at run time.
  external: [/^logto-authkit(\/|$)/],
  // `cookie` (two functions) is inlined: one copy in the core's build, and the CommonJS build
  // works on Node 20 too (cookie 2 publishes ESM only and asks for Node 22).
  noExternal: ['cookie'],
});
