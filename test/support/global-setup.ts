import 'reflect-metadata';
import { Client } from 'pg';
import { CONTEXTS } from '@modules';
import { migrateDatabases, planDatabases } from '@platform/database/databases';
import { createLogger } from '@platform/logging/logger';
import { serviceUrls } from './services';

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
  // Every context in the one database, as `npm start` has them.
  await migrateDatabases(planDatabases(withDatabase(databaseUrl, template), CONTEXTS, {}), createLogger('silent'));
  process.env['SKYRO_TEST_RUN_ID'] = runId;
  process.env['SKYRO_TEST_TEMPLATE_DB'] = template;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
