/**
 * One scoped tool on one MCP endpoint: `tools/call` of a tool listed here needs its scopes,
 * and a call without them is answered 403 `insufficient_scope` naming the scopes (and, from the
 * kit's `resourceMetadataUrl`, the metadata) — the MCP authorization spec's step-up answer, which
 * lets a client ask Logto for the missing scope and retry. Checked before the MCP transport
 * runs, so the tool never starts. (A second endpoint with `requiredScopes` would be a second MCP
 * server to the client, with its own resource URL; one endpoint keeps one resource.)
 */
import type { RequestHandler } from 'express';
import { authErrorResponse, scopeError } from 'logto-authkit';
import { authContextOf } from 'logto-authkit/mcp';

/** Tool name → the scopes its `tools/call` needs (all of them). */
export type ToolScopes = Readonly<Record<string, readonly string[]>>;

const calledTools = (body: unknown): string[] =>
  (Array.isArray(body) ? body : [body]).flatMap((message: unknown) => {
    const { method, params } = (message ?? {}) as { method?: unknown; params?: { name?: unknown } };
    return method === 'tools/call' && typeof params?.name === 'string' ? [params.name] : [];
  });

/**
 * Express middleware for after `requireBearerAuth` and `express.json()`.
 *
 * @example
 * ```ts
 * app.post('/mcp', requireBearerAuth({ verifier }), requireToolScopes({ add_note: ['notes:write'] }), handleMcp)
 * ```
 */
export function requireToolScopes(tools: ToolScopes): RequestHandler {
  return (req, res, next) => {
    const auth = authContextOf(req.auth);
    for (const name of calledTools(req.body)) {
      const scopes = tools[name];
      const error = auth && scopes ? scopeError(auth, [...scopes]) : undefined;
      if (error) {
        const { status, headers, body } = authErrorResponse(error);
        res.status(status).set(headers).send(JSON.stringify(body));
        return;
      }
    }
    next();
  };
}
