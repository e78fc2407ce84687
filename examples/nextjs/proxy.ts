import { createAuthProxy } from 'logto-authkit/next';
import { kit } from './lib/auth';

// Next.js 16 runs proxy.ts on Node.js; the same export works as Next.js 15's middleware.ts.
export const proxy = createAuthProxy(kit, { protect: ['/dashboard'], redirectTo: '/sign-in' });

export const config = { matcher: ['/dashboard/:path*'] };
