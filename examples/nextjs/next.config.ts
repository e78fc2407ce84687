import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// In this repository the example builds against the library's source (see
// tsconfig.json `paths`), two levels up. The source is TypeScript ESM whose
// imports end in `.js`; webpack maps those to `.ts` (Turbopack cannot yet), so
// `npm run build` here uses `next build --webpack`. An app that installs
// logto-authkit from npm needs none of this.
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const nextConfig: NextConfig = {
  outputFileTracingRoot: repoRoot,
  experimental: { externalDir: true },
  webpack(config: { resolve: { extensionAlias?: Record<string, string[]> } }) {
    config.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'] };
    return config;
  },
};

export default nextConfig;
