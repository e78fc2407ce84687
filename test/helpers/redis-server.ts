import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** The binary the Redis tests need. */
export const REDIS_SERVER_BINARY = 'redis-server';

/** Full path of `redis-server` on PATH (or /usr/bin), or `undefined` when absent. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, REDIS_SERVER_BINARY);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** For `describe.skipIf(...)`: warns, naming the missing binary, so a skipped suite is never mistaken for a passing one. */
export function redisServerMissing(): boolean {
  const missing = findRedisServer() === undefined;
  if (missing) console.warn(`SKIPPED: the Redis tests need the "${REDIS_SERVER_BINARY}" binary on PATH, and it is absent.`);
  return missing;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/** A real `redis-server` on a loopback port, without persistence. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Kills the server (an outage); `start()` brings it back on the same port, empty. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP: a hung Redis. Connections stay open, nothing answers, no error is raised. */
  pause(): void;
  /** SIGCONT after {@link RedisServer.pause}. */
  resume(): void;
  close(): Promise<void>;
}

/**
 * Spawns `redis-server --port <free> --save '' --appendonly no` on 127.0.0.1
 * and resolves once it accepts connections.
 *
 * @example
 * ```ts
 * const redis = await startRedisServer();
 * const client = createClient({ url: redis.url });
 * ```
 */
export async function startRedisServer(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error(`"${REDIS_SERVER_BINARY}" is not installed`);
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const proc = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${output}`)), 10_000);
      proc.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}: ${output}`));
      });
    });
  };
  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  };
  const signal = (name: NodeJS.Signals): void => {
    if (child?.pid === undefined) throw new Error('redis-server is not running');
    process.kill(child.pid, name);
  };
  const stopAndClose = async (): Promise<void> => {
    // SIGKILL ends a stopped process too; resuming first only spares it an odd state in ps meanwhile.
    if (child?.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGCONT');
    await stop();
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, start, stop, pause: () => signal('SIGSTOP'), resume: () => signal('SIGCONT'), close: stopAndClose };
}
