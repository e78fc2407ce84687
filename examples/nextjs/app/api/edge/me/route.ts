import { withAuth } from 'logto-authkit/next';
import { kit } from '../../../../lib/auth';

// The same handler on the edge runtime: logto-authkit/next imports nothing from `node:`.
export const runtime = 'edge';
export const dynamic = 'force-dynamic';

export const GET = withAuth(kit, (_request, { auth }) => Response.json({ userId: auth.userId, runtime: 'edge' }));
