// Writes every ```ts block of the README files to test/readme-samples/, so
// that `tsc --noEmit` (npm run typecheck, part of npm test) checks them
// against the real package names: docs whose names differ from the code fail CI.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';

const sources = ['README.md', 'examples/trpc/README.md', 'examples/graphql-yoga/README.md', 'examples/express/README.md', 'examples/multi-tenant/README.md'];
const out = new URL('../test/readme-samples/', import.meta.url);
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let count = 0;
for (const source of sources) {
  const file = new URL(`../${source}`, import.meta.url);
  if (!existsSync(file)) continue;
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
    // Samples using the MCP SDK go to their own program (tsconfig.mcp.json: its Express typing clashes with ours).
    const prefix = match[1].includes('@modelcontextprotocol/sdk') ? 'mcp-' : '';
    const name = `${prefix}${source.replace(/[^a-z0-9]+/gi, '-')}-${++count}.ts`;
    // Each sample is its own module (top-level await, no clashes between samples).
    writeFileSync(new URL(name, out), `// from ${source}\n${match[1]}\nexport {};\n`);
  }
}
console.log(`readme-samples: ${count} TypeScript samples written for type-checking`);
