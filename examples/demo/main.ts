/**
 * `npm run demo`: a local Logto-shaped tenant, the demo tRPC and GraphQL APIs,
 * and a page to sign in with. Prints the URL to open and curl commands.
 * Ports: DEMO_PORT (page and APIs, default 3000), OIDC_PORT (provider, default 3001).
 */
import { pathToFileURL } from 'node:url';
import { DEMO_RESOURCE, PortInUseError, startDemo, type Demo } from './server.js';

export { startDemo, PortInUseError, BACKCHANNEL_LOGOUT_PATH, type Demo, type DemoOptions } from './server.js';

/**
 * Reads a port from the environment; an invalid value names its variable.
 *
 * @example
 * ```ts
 * portFromEnv('DEMO_PORT', 3000) // 3000 unless DEMO_PORT is set
 * ```
 */
export function portFromEnv(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new RangeError(`${variable} must be a port number (0-65535), got ${JSON.stringify(raw)}`);
  return port;
}

/**
 * What the terminal shows once the demo runs: where to go, how to sign in,
 * and curl commands for 200, 401 and 403 on both APIs.
 *
 * @example
 * ```ts
 * console.log(instructions(demo, await demo.oidc.clientCredentialsToken({ resource, scope: 'read:posts' })))
 * ```
 */
export function instructions(demo: Demo, token: string): string {
  const base = demo.url.replace(/\/$/, '');
  const json = `-H 'content-type: application/json'`;
  const bearer = `-H "authorization: Bearer $TOKEN"`;
  return `
logto-authkit demo

  Open ${demo.url} and click "Sign in".
  On the provider's development sign-in page any username and any password work;
  the username becomes your user id (the token's sub).

  OpenID provider (Logto-shaped)  ${demo.oidc.issuer}
  tRPC API                        ${base}/trpc
  GraphQL API                     ${base}/graphql
  API resource                    ${DEMO_RESOURCE}

From a terminal, with a machine token (client_credentials, scope read:posts, valid 1 hour):

export TOKEN=${token}

# tRPC: 200, 401 (no token), 403 (the token lacks write:posts)
curl -i ${base}/trpc/posts ${bearer}
curl -i ${base}/trpc/posts
curl -i ${base}/trpc/createPost ${bearer} ${json} -d '{"title":"Hello"}'

# GraphQL: 200, 401 (no token), 403 (the token lacks write:posts)
curl -i ${base}/graphql ${bearer} ${json} -d '{"query":"{ whoami { userId scopes } posts { id title } }"}'
curl -i ${base}/graphql ${json} -d '{"query":"{ posts { id title } }"}'
curl -i ${base}/graphql ${bearer} ${json} -d '{"query":"mutation { createPost(title: \\"Hello\\") { id } }"}'

Ports: DEMO_PORT (page and APIs), OIDC_PORT (provider). Ctrl+C stops the demo.
`;
}

async function main(): Promise<void> {
  const demo = await startDemo({ port: portFromEnv('DEMO_PORT', 3000), oidcPort: portFromEnv('OIDC_PORT', 3001) });
  const token = await demo.oidc.clientCredentialsToken({ resource: DEMO_RESOURCE, scope: 'read:posts' });
  console.log(instructions(demo, token));
  const shutdown = (): void => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    const expected = error instanceof PortInUseError || error instanceof RangeError;
    console.error(`demo: ${expected ? error.message : String(error instanceof Error ? (error.stack ?? error) : error)}`);
    process.exit(1);
  });
}
