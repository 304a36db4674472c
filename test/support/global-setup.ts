import 'reflect-metadata';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CONTEXTS } from '@modules';
import { migrateDatabases, planDatabases } from '@platform/database/databases';
import { RUN_LOG_DIR, suiteLogger } from './run-logs';
import { serviceUrls } from './services';

/** Where each run's logs go (one directory per run, kept when the scan finds something). */
export const TEST_LOGS_ROOT = join(tmpdir(), 'skyro-test-logs');

/**
 * Once per run: a migrated template database. Each test file clones it (CREATE DATABASE
 * ... TEMPLATE), so files run in parallel without seeing each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const { databaseUrl } = serviceUrls();
  const runId = `${Date.now().toString(36)}x${process.pid.toString(36)}`;
  const template = `skyro_tpl_${runId}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    // Leftovers of runs killed before their teardown: only old ones, since other
    // checkouts may be running their suites against the same server right now.
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname ~ '^skyro_(tpl|t)_'`);
    for (const { datname } of rows) {
      const started = parseInt(/^skyro_(?:tpl|t)_([0-9a-z]+)x/.exec(datname)?.[1] ?? '0', 36);
      if (Date.now() - started > 6 * 3600_000) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    }
    await admin.query(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  // Every app of the run logs under this directory; the global teardown scans it.
  removeOldRunLogs();
  const logDir = join(TEST_LOGS_ROOT, runId);
  mkdirSync(logDir, { recursive: true });
  process.env[RUN_LOG_DIR] = logDir;
  // Every context in the one database, as `npm start` has them.
  await migrateDatabases(planDatabases(withDatabase(databaseUrl, template), CONTEXTS, {}), suiteLogger());
  process.env['SKYRO_TEST_RUN_ID'] = runId;
  process.env['SKYRO_TEST_TEMPLATE_DB'] = template;
}

/** Log directories of runs older than a day (kept because their scan failed, or killed before it). */
function removeOldRunLogs(): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(TEST_LOGS_ROOT);
  } catch {
    return;
  }
  for (const entry of entries) {
    const path = join(TEST_LOGS_ROOT, entry);
    try {
      if (Date.now() - statSync(path).mtimeMs > 24 * 3600_000) rmSync(path, { recursive: true, force: true });
    } catch {
      // Another run removed it meanwhile.
    }
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
