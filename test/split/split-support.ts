import { Client } from 'pg';
import { CONTEXTS } from '@modules';
import { contextSchemaSql } from '@platform/database/context-schema';
import { withDatabase } from '../support/global-setup';
import { recordSecrets, secretsIn } from '../support/run-logs';
import { serviceUrls } from '../support/services';

/** An empty database (not the migrated template): the processes migrate their own on boot. */
export async function emptyDatabase(tag: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const { databaseUrl } = serviceUrls();
  const name = `skyro_t_${process.env['SKYRO_TEST_RUN_ID'] ?? 'adhoc'}_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(databaseUrl, name);
  return {
    url,
    name,
    async drop() {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`).finally(() => c.end());
    },
  };
}

/** Creates a test context's schema (its outbox and inbox) where its app's platform expects it. */
export async function installSchema(url: string, context: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('create schema if not exists platform');
    for (const sql of contextSchemaSql(context)) await client.query(sql);
  } finally {
    await client.end();
  }
}

/** What Kong does: each path prefix goes to the process running the context that owns it. */
export function gateway(processOf: (context: string) => string): (path: string) => string {
  const owners = CONTEXTS.flatMap((c) => (c.routes ?? []).map((prefix) => ({ prefix, context: c.name }))).sort((a, b) => b.prefix.length - a.prefix.length);
  return (path) => {
    const owner = owners.find((o) => path === o.prefix || path.startsWith(`${o.prefix}/`) || path.startsWith(`${o.prefix}?`));
    if (!owner) throw new Error(`no context owns ${path}`);
    return processOf(owner.context) + path;
  };
}

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** A JSON call; the body parsed whatever the status. */
export async function call(url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  // What it sends and gets back is looked for by value in the run's logs (test/support/run-logs.ts).
  recordSecrets([...secretsIn(init.body), ...(init.token ? [init.token] : [])]);
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON (a CSV, say): kept as text
  }
  recordSecrets(secretsIn(body));
  return { status: res.status, headers: res.headers, body };
}
