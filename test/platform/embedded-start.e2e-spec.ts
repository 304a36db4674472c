import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordChildOutput } from '../support/run-logs';

/** Starts the real entry point (what `npm start` runs) as a child process. */
function startMain(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; lines: Array<Record<string, unknown>>; stderr: () => string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|REDIS_URL|KAFKA_BROKERS|PORT|MODULES|SKYRO_TEST_.*)$/.test(k)));
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../../src/main.ts')], {
    env: { ...clean, ...env },
    cwd: join(__dirname, '../..'),
  });
  recordChildOutput(child, 'main');
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, lines, stderr: () => stderr };
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

describe('zero-configuration start (embedded default)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skyro-embedded-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts the whole platform with no services, prints the docs URL, and stops cleanly on SIGTERM', async () => {
    const started = Date.now();
    const main = startMain({ EMBEDDED_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
    const up = await waitFor(() => main.lines.find((l) => String(l['msg']).startsWith('Skyro Core listening')), 'the listening line');
    process.stdout.write(`embedded cold start (initdb included): ${Date.now() - started} ms to listening, boot ${String(up['bootMs'])} ms\n`);
    expect(up).toMatchObject({ database: 'embedded', cache: 'memory', events: 'in-process', docs: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/docs$/) });
    expect(String(up['msg'])).toContain(String(up['docs']));

    const base = String(up['url']);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    const docs = await fetch(String(up['docs']));
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    expect(((await (await fetch(`${base}/openapi.json`)).json()) as { info: { title: string } }).info.title).toBe('Skyro Core API');

    const pidFile = join(dataDir, 'pg', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    main.child.kill('SIGTERM');
    expect(await exited(main.child)).toEqual({ code: 0, signal: null });
    expect(main.lines.some((l) => l['msg'] === 'shutdown complete')).toBe(true);
    expect(existsSync(pidFile)).toBe(false); // the embedded database was stopped too
  });

  it('survives a kill -9: the next start adopts the database left running', async () => {
    const first = startMain({ EMBEDDED_DATA_DIR: dataDir, PORT: '0' });
    await waitFor(() => first.lines.find((l) => String(l['msg']).startsWith('Skyro Core listening')), 'first start');
    const postgresPid = Number(readFileSync(join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
    first.child.kill('SIGKILL');
    await exited(first.child);

    const started = Date.now();
    const second = startMain({ EMBEDDED_DATA_DIR: dataDir, PORT: '0' });
    const up = await waitFor(() => second.lines.find((l) => String(l['msg']).startsWith('Skyro Core listening')), 'second start');
    process.stdout.write(`embedded warm start: ${Date.now() - started} ms to listening\n`);
    expect(second.lines.some((l) => l['msg'] === 'reusing embedded PostgreSQL left running' && l['pid'] === postgresPid)).toBe(true);
    expect((await fetch(`${String(up['url'])}/health/ready`)).status).toBe(200);
    second.child.kill('SIGTERM');
    expect((await exited(second.child)).code).toBe(0);
  });

  // As root, PostgreSQL runs as the `postgres` user, who cannot enter a checkout under /root
  // (mode 0700): the cluster then lives under /var/lib/skyro-embedded, named after the data
  // directory, which keeps the app's own files.
  (process.getuid?.() === 0 ? it : it.skip)('starts from a directory only root may enter', async () => {
    const privateDir = mkdtempSync(join(tmpdir(), 'skyro-private-'));
    chmodSync(privateDir, 0o700);
    const inside = join(privateDir, 'checkout', '.data');
    const main = startMain({ EMBEDDED_DATA_DIR: inside, PORT: '0', LOG_LEVEL: 'info' });
    try {
      const up = await waitFor(() => main.lines.find((l) => String(l['msg']).startsWith('Skyro Core listening')), 'the listening line');
      expect((await fetch(`${String(up['url'])}/health/ready`)).status).toBe(200);
      const moved = main.lines.find((l) => String(l['msg']).includes('not reachable by the postgres user'));
      expect(moved).toMatchObject({ dataDir: inside, cluster: expect.stringMatching(/^\/var\/lib\/skyro-embedded\/[0-9a-f]{16}$/) });
      expect(readFileSync(join(inside, 'embedded-postgres-location'), 'utf8').trim()).toBe(moved!['cluster']);
      main.child.kill('SIGTERM');
      expect((await exited(main.child)).code).toBe(0);
    } finally {
      if (main.child.exitCode === null) main.child.kill('SIGKILL');
      const cluster = existsSync(join(inside, 'embedded-postgres-location'))
        ? readFileSync(join(inside, 'embedded-postgres-location'), 'utf8').trim()
        : undefined;
      if (cluster) rmSync(cluster, { recursive: true, force: true });
      rmSync(privateDir, { recursive: true, force: true });
    }
  });

  it('refuses a bad configuration with one line naming the variable and exit code 78', async () => {
    const main = startMain({ PORT: 'eighty', EMBEDDED_DATA_DIR: dataDir });
    expect((await exited(main.child)).code).toBe(78);
    expect(main.stderr()).toBe('Invalid configuration: PORT must be a whole number\n');
  });
});
