import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli/index.ts', import.meta.url));

/** What one run of the `logto-authkit` bin did. */
export interface CLIRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `logto-authkit` bin (src/cli/index.ts under tsx) in a child process, asynchronously:
 * a real server in this process must keep answering while it runs.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runCLI(['inspect', '--logto-url', op.logtoUrl, '--audience', API, token])
 * ```
 */
export function runCLI(args: readonly string[], stdin = ''): Promise<CLIRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

/** Runs the bin with `--json` and parses standard output as the one JSON document it must be. */
export async function runCLIJSON(args: readonly string[], stdin = ''): Promise<CLIRun & { report: InspectJSON }> {
  const run = await runCLI([...args, '--json'], stdin);
  return { ...run, report: JSON.parse(run.stdout) as InspectJSON };
}

/** The parts of the `--json` document the tests read. */
export interface InspectJSON {
  verdict: string;
  exitCode: number;
  error?: string;
  expected?: { issuers: string[]; audiences: string[]; jwksUrl: string; now: string };
  configuration: JSONCheck[];
  token?: { header?: Record<string, unknown>; claims?: Record<string, unknown>; checks: JSONCheck[] };
  refusal?: { code: string; status: number; message: string; reason?: string };
}

/** One check of the `--json` document. */
export interface JSONCheck {
  id: string;
  status: 'pass' | 'fail' | 'warn' | 'skip';
  title: string;
  detail: string;
  reason?: string;
  code?: string;
  fix?: string;
  actual?: unknown;
  expected?: unknown;
}
