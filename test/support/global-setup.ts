import 'reflect-metadata';
import { Client } from 'pg';
import { createDataSource } from '../../src/platform/database/data-source';
import { runMigrations } from '../../src/platform/database/migrate';
import { serviceUrls } from './services';

/**
 * Once per run: a migrated template database. Each test file clones it (CREATE DATABASE
 * ... TEMPLATE), so files run in parallel without seeing each other's rows.
 */
export default async function globalSetup(): Promise<void> {
  const { databaseUrl } = serviceUrls();
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const template = `skyro_tpl_${runId}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    // Leftovers of runs that were killed before their teardown.
    const { rows } = await admin.query<{ datname: string }>(
      `select datname from pg_database where datname ~ '^skyro_(tpl|t)_' and datname not like $1`,
      [`%${runId}%`],
    );
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
    await admin.query(`create database "${template}"`);
  } finally {
    await admin.end();
  }
  const dataSource = createDataSource({ url: withDatabase(databaseUrl, template), poolMax: 2, statementTimeoutMs: 0 });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.destroy();
  process.env['SKYRO_TEST_RUN_ID'] = runId;
  process.env['SKYRO_TEST_TEMPLATE_DB'] = template;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
