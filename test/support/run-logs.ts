import { appendFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import pino, { type DestinationStream, type Logger } from 'pino';
import { createLogger } from '@platform/logging/logger';

/*
 * Where the apps of a test run log, for the scan after the suite (test/support/log-scan.ts,
 * run by the global teardown). The global setup creates the run directory and names it in
 * SKYRO_TEST_LOG_DIR; every test app started by startTestApp logs there at `info` (one
 * file per test file), a capturing logger copies its lines there too, and child processes'
 * stdout and stderr are copied there. Nothing goes to the console. Alongside, the secrets
 * the tests handled (addresses, passwords and tokens they sent or received) are recorded,
 * so the scan can look for them by value. Without the variable (a unit test, a script)
 * nothing is written and the apps stay silent.
 */
export const RUN_LOG_DIR = 'SKYRO_TEST_LOG_DIR';

export function runLogDir(): string | undefined {
  return process.env[RUN_LOG_DIR] || undefined;
}

/** The level the suite's apps log at: info lines (one per request, start-up, jobs) are what the scan must see. */
export const SUITE_LOG_LEVEL = 'info';

/** The running test file, as a file name (`test_identity_oauth.e2e-spec`), or `setup` outside a test file. */
function testFileTag(): string {
  let path: string | undefined;
  try {
    path = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
  } catch {
    path = undefined;
  }
  if (!path) return `setup-${process.pid}`;
  return relative(join(__dirname, '../..'), path)
    .replace(/\.ts$/, '')
    .replace(/[^A-Za-z0-9.-]+/g, '_');
}

let destination: { tag: string; stream: DestinationStream } | undefined;

/** The run's log file for this test file: synchronous appends, so nothing is lost when a worker exits. */
export function suiteLogDestination(): DestinationStream | undefined {
  const dir = runLogDir();
  if (!dir) return undefined;
  const tag = testFileTag();
  if (destination?.tag !== tag) {
    const apps = join(dir, 'apps');
    mkdirSync(apps, { recursive: true });
    destination = { tag, stream: pino.destination({ dest: join(apps, `${tag}.ndjson`), sync: true, append: true }) };
  }
  return destination.stream;
}

/** The platform logger writing to the run's log file (silent when there is no run directory). */
export function suiteLogger(): Logger {
  const stream = suiteLogDestination();
  return stream ? createLogger(SUITE_LOG_LEVEL, stream) : createLogger('silent');
}

let children = 0;

/** Copies what a child process writes to stdout and stderr into the run's log directory (alongside the test's own listeners). */
export function recordChildOutput(child: ChildProcess, name: string): void {
  const dir = runLogDir();
  if (!dir) return;
  const folder = join(dir, 'children');
  mkdirSync(folder, { recursive: true });
  const base = join(folder, `${testFileTag()}.${name}.${++children}`);
  child.stdout?.on('data', (chunk: Buffer) => appendFileSync(`${base}.out.log`, chunk));
  child.stderr?.on('data', (chunk: Buffer) => appendFileSync(`${base}.err.log`, chunk));
}

// Per run directory (a test of the scan records into a throwaway one meanwhile).
const recorded = new Map<string, Set<string>>();

/** Values the scan must never find in a log line (one JSON string per line, per test file). */
export function recordSecrets(values: Iterable<string>): void {
  const dir = runLogDir();
  if (!dir) return;
  let seen = recorded.get(dir);
  if (!seen) recorded.set(dir, (seen = new Set()));
  const fresh: string[] = [];
  for (const value of values) {
    if (value.length < MIN_SECRET_LENGTH || seen.has(value)) continue;
    seen.add(value);
    fresh.push(JSON.stringify(value));
  }
  if (fresh.length === 0) return;
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  appendFileSync(join(dir, 'secrets', `${testFileTag()}.txt`), fresh.join('\n') + '\n');
}

/** Shorter values (a TOTP code, a status) are too common to look for by value; patterns cover them. */
export const MIN_SECRET_LENGTH = 8;

// Request and response fields that hold a password, a token or a secret (compared without case, `_` or `-`).
const SECRET_FIELDS = new Set([
  'password',
  'newpassword',
  'currentpassword',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'challengetoken',
  'secret',
  'clientsecret',
  'code',
  'codeverifier',
  'recoverycode',
  'recoverycodes',
  'otpauthuri',
]);

/** A problem document's `code` (`CONTEXT_UNAVAILABLE`) is no secret, unlike an OAuth or e-mail verification code. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

/** Every address, password and token in a request or response body (JSON or a form). */
export function secretsIn(body: unknown, depth = 0): string[] {
  if (typeof body === 'string' && depth === 0 && /^[\w.%+-]+=/.test(body)) return secretsIn(Object.fromEntries(new URLSearchParams(body)), 1);
  if (body === null || typeof body !== 'object' || depth > 6) return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const name = key.toLowerCase().replace(/[-_]/g, '');
    const strings = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (SECRET_FIELDS.has(name)) found.push(...strings.filter((s) => name !== 'code' || !ERROR_CODE.test(s)));
    else if (name.endsWith('email')) found.push(...strings.filter((s) => s.includes('@')).flatMap(emailSpellings));
    if (typeof value === 'object') found.push(...secretsIn(value, depth + 1));
  }
  return found;
}

/** The credential in an Authorization header: a bearer token, or a Basic password. */
export function secretsInAuthorization(header: string): string[] {
  const [scheme, credentials = ''] = header.split(' ', 2);
  if (/^bearer$/i.test(scheme ?? '')) return [credentials];
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    return [decoded.slice(decoded.indexOf(':') + 1)];
  }
  return [];
}

function emailSpellings(email: string): string[] {
  const trimmed = email.trim();
  return [...new Set([trimmed, trimmed.normalize('NFC'), trimmed.normalize('NFD'), trimmed.toLowerCase(), trimmed.normalize('NFC').toLowerCase()])];
}
