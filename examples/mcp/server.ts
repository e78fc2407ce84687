/**
 * MCP server protected by Logto: `npx tsx examples/mcp/server.ts`. Uses a local test issuer
 * unless LOGTO_URL is set (then MCP_RESOURCE is the API resource indicator in Logto), and
 * prints ready-made tokens.
 */
import { createAuthKit, protectedResourceMetadataUrl } from 'logto-authkit';
import { createTestIssuer } from 'logto-authkit/testing';
import { createMcpApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const resource = process.env.MCP_RESOURCE ?? `http://127.0.0.1:${port}/mcp`;
const issuer = process.env.LOGTO_URL ? undefined : await createTestIssuer({ audience: resource });
const kit = createAuthKit({ logtoUrl: process.env.LOGTO_URL ?? issuer!.logtoUrl, audience: resource, resourceMetadataUrl: protectedResourceMetadataUrl(resource) });

const server = createMcpApp(kit, resource).listen(port, '127.0.0.1', async () => {
  console.log(`MCP server on ${resource}; metadata at ${protectedResourceMetadataUrl(resource)}`);
  if (!issuer) return;
  console.log(`READER=${await issuer.mintToken({ sub: 'reader', scope: 'notes:read' })}`);
  console.log(`WRITER=${await issuer.mintToken({ sub: 'writer', scope: 'notes:read notes:write' })}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    kit.close();
    void issuer?.close();
  });
}
