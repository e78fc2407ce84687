// One cold start, in a fresh process (see bench/cold-start.ts):
// `node bench/cold-start-child.mjs jose` or `node bench/cold-start-child.mjs kit <file URL of dist/index.js>`.
// Prints the milliseconds from before the first import to after the last step.
const [mode, distUrl] = process.argv.slice(2);
const t0 = performance.now();
if (mode === 'jose') {
  await import('jose');
} else {
  const { createAuthKit } = await import(distUrl);
  const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' });
  kit.close();
}
const ms = performance.now() - t0;
process.stdout.write(`${ms}\n`);
