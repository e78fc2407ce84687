import { withAuth } from 'logto-authkit/next';
import { kit } from '../../../lib/auth';

export const dynamic = 'force-dynamic';

// Any signed-in caller: 401 JSON without a valid token.
export const GET = withAuth(kit, (_request, { auth }) =>
  Response.json({ userId: auth.userId, scopes: auth.scopes, expiresAt: auth.expiresAt.toISOString() }),
);
