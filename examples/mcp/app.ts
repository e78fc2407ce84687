/**
 * An MCP server over streamable HTTP whose callers sign in with Logto: the SDK's
 * `requireBearerAuth` with the kit as its verifier, the RFC 9728 metadata document the SDK's
 * clients discover, one public tool (`whoami`) and one scoped tool (`add_note`, `notes:write`).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createMcpExpressApp } from '@modelcontextprotocol/sdk/server/express.js';
import { requireBearerAuth } from '@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Express } from 'express';
import { z } from 'zod';
import type { AuthKit } from 'logto-authkit';
import { authContextOf, createMcpTokenVerifier, protectedResourceMetadata } from 'logto-authkit/mcp';
import { requireToolScopes } from './scope-guard.js';

/** The scopes of the API resource, as defined in the Logto Console. */
export const SCOPES = ['notes:read', 'notes:write'];

function buildServer(notes: string[]): McpServer {
  const server = new McpServer({ name: 'notes', version: '1.0.0' });
  server.registerTool('whoami', { description: 'Who the caller is (any signed-in user)' }, ({ authInfo }) => ({
    content: [{ type: 'text', text: authContextOf(authInfo)?.userId ?? 'unknown' }],
  }));
  server.registerTool('add_note', { description: 'Add a note (needs notes:write)', inputSchema: { text: z.string() } }, ({ text }) => {
    notes.push(text);
    return { content: [{ type: 'text', text: `${notes.length} notes` }] };
  });
  return server;
}

/**
 * The Express app. `resource` is the server's canonical URI (`https://host/mcp`): the API
 * resource indicator in Logto, so also the kit's `audience` (RFC 8707).
 *
 * @example
 * ```ts
 * createMcpApp(kit, 'https://mcp.example.com/mcp', '127.0.0.1').listen(3000)
 * ```
 */
export function createMcpApp(kit: AuthKit, resource: string, host = '127.0.0.1'): Express {
  const metadata = protectedResourceMetadata(kit, { resource, scopesSupported: SCOPES, resourceName: 'Notes' });
  const notes: string[] = [];
  const app = createMcpExpressApp({ host });
  // Public, before any auth (RFC 9728 §3.1 path: /.well-known/oauth-protected-resource/mcp).
  app.use((req, res, next) => (metadata.matches(req.path) ? metadata.handleNodeRequest(req, res) : next()));
  const bearer = requireBearerAuth({ verifier: createMcpTokenVerifier(kit), resourceMetadataUrl: metadata.url, expectedResource: new URL(resource) });
  app.post(new URL(resource).pathname, bearer, requireToolScopes({ add_note: ['notes:write'] }), async (req, res) => {
    // Stateless mode: one server and transport per request, as in the SDK's examples.
    const server = buildServer(notes);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => void transport.close().then(() => server.close()));
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  return app;
}
