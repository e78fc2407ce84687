import { defineConfig } from 'tsup';

// One entry per subpath export; each adapter is its own entry so that importing
// one never loads another's framework.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'trpc/index': 'src/trpc/index.ts',
    'graphql/index': 'src/graphql/index.ts',
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
});
