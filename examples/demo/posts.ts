/**
 * The demo's data and the one view of "who is calling" that both APIs return,
 * so the tRPC and GraphQL panels of the page show the same thing.
 */
import type { AuthContext } from 'logto-authkit';

/** A blog post, the protected resource of the demo API. */
export interface Post {
  id: string;
  title: string;
  author: string;
}

/** What `whoami` answers: never an error, a guest is a valid answer. */
export interface WhoAmI {
  status: 'authenticated' | 'guest' | 'anonymous';
  userId: string | null;
  scopes: string[];
  guestId: string | null;
  isMachine: boolean;
  /** ISO time the access token expires, for authenticated callers. */
  expiresAt: string | null;
}

/**
 * The caller as both APIs describe it.
 *
 * @example
 * ```ts
 * whoami(ctx.auth) // { status: 'guest', userId: null, scopes: [], guestId: '…', … }
 * ```
 */
export function whoami(auth: AuthContext): WhoAmI {
  const authenticated = auth.status === 'authenticated';
  return {
    status: auth.status,
    userId: auth.userId ?? null,
    scopes: [...auth.scopes],
    guestId: auth.guestId ?? null,
    isMachine: authenticated && auth.isMachine,
    expiresAt: authenticated ? auth.expiresAt.toISOString() : null,
  };
}

/**
 * An in-memory post list shared by the tRPC and GraphQL APIs of one demo.
 *
 * @example
 * ```ts
 * const store = createPostStore()
 * store.add('Hello', 'user-1')
 * ```
 */
export function createPostStore(): { list(): Post[]; add(title: string, author: string): Post } {
  const posts: Post[] = [
    { id: '1', title: 'Access tokens are JWTs for an API resource', author: 'logto' },
    { id: '2', title: 'Cookies keep them out of JavaScript', author: 'logto' },
  ];
  return {
    list: () => posts.map((post) => ({ ...post })),
    add(title, author) {
      const post = { id: String(posts.length + 1), title, author };
      posts.push(post);
      return { ...post };
    },
  };
}
