import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { recordChildOutput } from './run-logs';

export interface ChildApp {
  readonly child: ChildProcess;
  readonly url: string;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The source entry point, compiled on the fly by swc. */
export const SOURCE_MAIN: readonly string[] = ['-r', '@swc-node/register', join(__dirname, '../../src/main.ts')];

/**
 * Runs the real entry point in its own process, for crash and shutdown tests: src/main.ts by
 * default, or what `entry` names (node's arguments, e.g. the built dist/src/main.js). The start-up
 * deadline is generous: a boot (migrations, Kafka topics) on a loaded 2-core machine took over 60 s.
 */
export async function startChildApp(env: Record<string, string>, timeoutMs = 180_000, entry: readonly string[] = SOURCE_MAIN): Promise<ChildApp> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|REDIS_URL|KAFKA_BROKERS|PORT|MODULES)$/.test(k)));
  const child = spawn(process.execPath, [...entry], {
    env: { ...clean, PORT: '0', LOG_LEVEL: 'info', ...env },
    cwd: join(__dirname, '../..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Everything it logs goes to the run's log directory too, for the scan after the suite.
  recordChildOutput(child, 'app');
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let out = '';
  let err = '';
  let ready = false;
  // Only the start-up lines matter; afterwards the output is drained and dropped.
  child.stdout.on('data', (c: Buffer) => {
    if (!ready) out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = /Skyro Core listening on (http:\/\/[\d.:]+)/.exec(out);
    if (match) {
      ready = true;
      return { child, url: match[1]!, exited: () => exit };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      // Never leave a half-started process behind: nobody holds it to stop it.
      child.kill('SIGKILL');
      throw new Error(`app did not start: ${err || out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
