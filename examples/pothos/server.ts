/**
 * Pothos + GraphQL Yoga + logto-authkit: `npx tsx examples/pothos/server.ts`.
 * Uses a local test issuer unless LOGTO_URL and LOGTO_AUDIENCE are set, and
 * then prints ready-made tokens.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createYoga } from 'graphql-yoga';
import { useLogtoAuth } from 'logto-authkit/graphql';
import { createDevKit } from '../shared/dev-kit.js';
import { createPothosSchema } from './schema.js';

const { kit, printTokens, closeOnSignal } = await createDevKit();

const yoga = createYoga({ schema: createPothosSchema(), plugins: [useLogtoAuth(kit)] });
const server = createServer(yoga);

const port = Number(process.env.PORT ?? 4000);
server.listen(port, '127.0.0.1', async () => {
  const { port: bound } = server.address() as AddressInfo;
  console.log(`Pothos on GraphQL Yoga on http://127.0.0.1:${bound}${yoga.graphqlEndpoint}`);
  await printTokens();
});

closeOnSignal(server);
