/**
 * What every example server shares: a kit for your Logto tenant when
 * LOGTO_URL and LOGTO_AUDIENCE are set, otherwise for a local test issuer whose
 * ready-made tokens it prints; and a clean shutdown on Ctrl+C.
 */
import { createAuthKit, type AuthKit } from 'logto-authkit';
import { createTestIssuer, type TestIssuer } from 'logto-authkit/testing';

const DEFAULT_AUDIENCE = 'https://api.example.test';

/** The kit, and the local issuer when no tenant is configured. */
export interface DevKit {
  kit: AuthKit;
  issuer: TestIssuer | undefined;
  /** Print a reader and a writer token (test issuer only). */
  printTokens(): Promise<void>;
  /** Close the kit and the issuer when the process is told to stop. */
  closeOnSignal(server: { close(): unknown }): void;
}

/**
 * Create the example's kit.
 *
 * @example
 * ```ts
 * const { kit, printTokens, closeOnSignal } = await createDevKit()
 * ```
 */
export async function createDevKit(): Promise<DevKit> {
  const logtoUrl = process.env.LOGTO_URL;
  const issuer = logtoUrl ? undefined : await createTestIssuer({ audience: DEFAULT_AUDIENCE });
  const kit = createAuthKit({ logtoUrl: logtoUrl ?? issuer!.logtoUrl, audience: process.env.LOGTO_AUDIENCE ?? DEFAULT_AUDIENCE });
  return {
    kit,
    issuer,
    async printTokens() {
      if (!issuer) return;
      console.log(`\nTest issuer at ${issuer.logtoUrl}. Tokens (valid 1 h):`);
      console.log(`READER=${await issuer.mintToken({ sub: 'reader', scope: 'read:posts' })}`);
      console.log(`WRITER=${await issuer.mintToken({ sub: 'writer', scope: 'read:posts write:posts' })}`);
    },
    closeOnSignal(server) {
      const shutdown = (): void => {
        server.close();
        kit.close();
        void issuer?.close();
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
  };
}
