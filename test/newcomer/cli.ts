import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { recordChildOutput } from '../support/run-logs';

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const ROOT = join(__dirname, '../..');

/** The source entry point (`npm run cli` runs the same), compiled on the fly by swc. */
export const SOURCE_CLI: readonly string[] = ['-r', '@swc-node/register', join(ROOT, 'src/cli.ts')];

/**
 * Runs the operator CLI in its own process with exactly `env` (on top of PATH and HOME), its
 * stdin closed (no terminal: nothing prompts). Its stderr (the platform's log lines and the
 * command's remarks) goes to the run's logs for the scan after the suite; its stdout is the
 * command's answer to the operator (it names the address it was given), not a log.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  options: { entry?: readonly string[]; cwd?: string; timeoutMs?: number; uid?: number; gid?: number } = {},
): Promise<CliRun> {
  const child = spawn(process.execPath, [...(options.entry ?? SOURCE_CLI), ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env },
    cwd: options.cwd ?? ROOT,
    ...(options.uid !== undefined ? { uid: options.uid, gid: options.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  recordChildOutput({ stderr: child.stderr } as ChildProcess, 'cli');
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
  return new Promise((resolve) =>
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}
