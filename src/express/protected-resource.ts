import { protectedResourceMetadata, type AuthKit, type ProtectedResourceMetadata, type ProtectedResourceMetadataOptions } from 'logto-authkit';
import type { RequestHandler } from 'express';

/** The Express middleware of {@link protectedResourceMetadataRoute}, with the metadata it serves. */
export type ProtectedResourceMetadataRoute = RequestHandler & { readonly metadata: ProtectedResourceMetadata };

/**
 * Express middleware serving the RFC 9728 metadata document of `options.resource` at the path
 * RFC 9728 §3.1 gives it (`/.well-known/oauth-protected-resource/mcp` for `https://h/mcp`),
 * answering CORS preflights too; other requests go to `next()`. Mount it with `app.use()` at
 * the root, before any auth middleware: the document is public.
 *
 * @throws AuthKitOptionsError at creation for a bad option (see the core's `protectedResourceMetadata`)
 * @example
 * ```ts
 * app.use(protectedResourceMetadataRoute(kit, { resource: 'https://mcp.example.com/mcp', scopesSupported: ['read:notes'] }))
 * ```
 */
export function protectedResourceMetadataRoute(kit: Pick<AuthKit<unknown>, 'options'>, options: ProtectedResourceMetadataOptions): ProtectedResourceMetadataRoute {
  const metadata = protectedResourceMetadata(kit, options);
  const route: RequestHandler = (req, res, next) => {
    if (!metadata.matches(req.path)) {
      next();
      return;
    }
    const { status, headers, body } = metadata.answer(req.method);
    res.status(status).set(headers);
    res.end(body);
  };
  return Object.assign(route, { metadata });
}
