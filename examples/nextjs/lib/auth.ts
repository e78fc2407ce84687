import { createAuthKit } from 'logto-authkit';

// One kit per server process: it holds the JWKS cache and the verified-token cache.
// `next build` loads route modules to analyse them, before any real env exists,
// so the example falls back to a local issuer instead of failing the build.
export const kit = createAuthKit({
  logtoUrl: process.env.LOGTO_URL ?? 'http://127.0.0.1:3001',
  audience: process.env.LOGTO_AUDIENCE ?? 'https://api.example.test',
});
