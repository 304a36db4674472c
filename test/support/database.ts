import { Client } from 'pg';
import { withDatabase } from './global-setup';
import { serviceUrls } from './services';

let counter = 0;

/** A fresh, migrated database for one test file (a clone of the run's template). */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { databaseUrl } = serviceUrls();
  const runId = process.env['SKYRO_TEST_RUN_ID'] ?? 'adhoc';
  const template = process.env['SKYRO_TEST_TEMPLATE_DB'];
  if (!template) throw new Error('no template database: run the e2e tests through jest (global setup)');
  // Unique across the files a jest worker runs one after another (module state resets per
  // file): Redis key prefixes are derived from it and must never be reused.
  const name = `skyro_t_${runId}_${process.pid}_${Date.now().toString(36)}${++counter}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    // Two workers cloning the template at the same instant can collide; try again.
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${template}"`);
        break;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test(String(error))) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  return {
    url: withDatabase(databaseUrl, name),
    async drop() {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`).finally(() => c.end());
    },
  };
}

/** Runs SQL against a database outside the app (assertions, fixture schemas). */
export async function sql<R extends Record<string, unknown> = Record<string, unknown>>(url: string, text: string, params: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, params)).rows;
  } finally {
    await client.end();
  }
}
