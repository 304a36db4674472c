import { spawn, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { contextSchemaSql } from '@platform/database/context-schema';
import { CONTEXTS } from '@modules';
import { createDataSource } from '@platform/database/data-source';
import { planDatabases } from '@platform/database/databases';
import { runMigrations } from '@platform/database/migrate';
import { serviceUrls } from '@test/support/services';

/**
 * A throwaway database on the services' PostgreSQL for one benchmark run: migrated, with
 * schemas for the benchmark's own contexts, dropped afterwards whatever happens.
 */
export async function withBenchDatabase<T>(name: string, benchContexts: readonly string[], work: (url: string) => Promise<T>): Promise<T> {
  const services = serviceUrls();
  const database = `skyro_bench_${name}_${Date.now()}`;
  const admin = new Client({ connectionString: services.databaseUrl });
  await admin.connect();
  await admin.query(`create database ${database}`);
  const url = new URL(services.databaseUrl);
  url.pathname = `/${database}`;
  try {
    const ds = createDataSource({
      url: url.toString(),
      poolMax: 2,
      statementTimeoutMs: 0,
      migrations: planDatabases(url.toString(), CONTEXTS, {})[0]!.migrations,
    });
    await ds.initialize();
    await runMigrations(ds);
    for (const context of benchContexts) await ds.query(contextSchemaSql(context).join(';\n'));
    await ds.destroy();
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${database} with (force)`);
    await admin.end();
  }
}

/**
 * The built app (`dist/src/main.js`) in its own process on `port`, ready when /health/ready
 * answers (the "listening" line is an info log, absent at BENCH_LOG_LEVEL=warn). Node flags:
 * BENCH_NODE_ARGS, by default what the Dockerfile sets; BENCH_APP_LOG names a file for its
 * stdout. Only the services `env` names are used, not a KAFKA_BROKERS or REDIS_URL from the
 * caller's shell.
 */
export async function startBuiltApp(env: Record<string, string>, port: number, timeoutMs = 90_000): Promise<{ child: ChildProcess; url: string }> {
  const url = `http://127.0.0.1:${port}`;
  const nodeArgs = (process.env['BENCH_NODE_ARGS'] ?? '--max-semi-space-size=32').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(__dirname, '../dist/src/main.js')], {
    env: { ...withoutServices(process.env), ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', process.env['BENCH_APP_LOG'] ? openSync(process.env['BENCH_APP_LOG'], 'w') : 'ignore', 'inherit'],
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ready = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, url };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the app did not start (exit code ${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withoutServices(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { KAFKA_BROKERS: _kafka, REDIS_URL: _redis, DATABASE_URL: _database, KAFKA_TOPIC_PREFIX: _topics, REDIS_KEY_PREFIX: _keys, ...rest } = source;
  return rest;
}
