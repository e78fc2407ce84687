import SchemaBuilder from '@pothos/core';
import ScopeAuthPlugin, { type ScopeLoaderMap } from '@pothos/plugin-scope-auth';
import { describe, expectTypeOf, it } from 'vitest';
import { createAuthKit, definePolicy } from 'logto-authkit';
import type { LogtoAuthContext } from 'logto-authkit/graphql';
import { pothosAuthScopes, pothosUnauthorizedError, type LogtoAuthScopeLoaders, type LogtoAuthScopes } from 'logto-authkit/pothos';

// Type-checked by vitest (a *types.test.ts file): LogtoAuthScopes types the builder's field scopes.
type Types = PothosSchemaTypes.ExtendDefaultTypes<{ Context: LogtoAuthContext; AuthScopes: LogtoAuthScopes }>;

describe('logto-authkit/pothos types', () => {
  it("the scope map is the scope-auth plugin's loader map for LogtoAuthScopes", () => {
    expectTypeOf<LogtoAuthScopeLoaders>().toExtend<ScopeLoaderMap<Types>>();
  });

  it('field authScopes take the parameters LogtoAuthScopes names, and nothing else', async () => {
    const kit = createAuthKit({ logtoUrl: 'https://tenant.logto.app', audience: 'https://api.example.com' });
    const isOwner = definePolicy('isOwner', () => true);
    const builder = new SchemaBuilder<{ Context: LogtoAuthContext; AuthScopes: LogtoAuthScopes }>({
      plugins: [ScopeAuthPlugin],
      scopeAuth: { authScopes: (ctx) => pothosAuthScopes(ctx.auth, ctx), unauthorizedError: pothosUnauthorizedError },
    });
    builder.queryType({
      fields: (t) => ({
        a: t.string({ authScopes: { authenticated: true, scope: 'read:a', anyScope: ['x', 'y'], organization: { id: 'org', scopes: ['m'] }, policy: isOwner }, resolve: () => 'a' }),
        // @ts-expect-error a scope is a string
        b: t.string({ authScopes: { scope: 1 }, resolve: () => 'b' }),
        // @ts-expect-error no such scope
        c: t.string({ authScopes: { admin: true }, resolve: () => 'c' }),
      }),
    });
    kit.close();
  });
});
