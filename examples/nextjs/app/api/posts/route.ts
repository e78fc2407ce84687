import { withAuth } from 'logto-authkit/next';
import { kit } from '../../../lib/auth';

export const dynamic = 'force-dynamic';

// Needs the `read:posts` scope: 403 insufficient_scope (naming it) otherwise.
export const GET = withAuth(kit, (_request, { auth }) => Response.json({ posts: [], readBy: auth.userId }), { scopes: ['read:posts'] });
