// oidc-provider ships no types and @types/oidc-provider is not installed: this
// declares only the surface the test harness (test/helpers/oidc-provider.ts) uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** The Koa context the provider hands to configuration functions. */
  export interface KoaContextWithOIDC {
    oidc: {
      /** The parsed request body (urlencoded or JSON), present on POST endpoints. */
      body?: Record<string, unknown>;
      params?: Record<string, unknown>;
      route?: string;
      client?: { clientId: string };
      entities: { Account?: { accountId: string }; RefreshToken?: { ttlPercentagePassed(): number } };
    };
  }

  export type Configuration = Record<string, unknown>;

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    on(event: 'grant.success', listener: (ctx: KoaContextWithOIDC) => void): this;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidTarget: new (description?: string) => Error;
    AccessDenied: new (description?: string) => Error;
    [name: string]: new (description?: string) => Error;
  };

  export default Provider;
}
