import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { createApp } from '../bootstrap';
import type { AppConfig } from '@platform/config/app-config';
import type { ContextManifest } from '@platform/context-definition';
import { startEmbeddedPostgres } from '@platform/database/embedded-postgres';

export interface TaskOptions {
  readonly config: AppConfig;
  /** The contexts whose use cases the task calls (run in this process, whatever MODULES says). */
  readonly contexts: readonly ContextManifest[];
  /** Every context of the codebase (permissions, configuration). */
  readonly available: readonly ContextManifest[];
  readonly logger: Logger;
  /** Where the task tells the operator what it does with the database (stderr). */
  readonly say: (line: string) => void;
}

/**
 * Runs `work` against the application the server would run, as a one-off task: the same
 * configuration, database (DATABASE_URL, or the embedded PostgreSQL under .data/) and
 * migrations, the contexts' own use cases, and nothing in the background (no relay, no
 * consumers, no jobs: events wait in the outbox for a server's relay).
 *
 * The embedded PostgreSQL is shared with a server running on the same data directory (it is
 * adopted, and left running); one this task had to start is stopped again afterwards unless
 * another process connected to it meanwhile.
 */
export async function runTask<T>(options: TaskOptions, work: (app: NestFastifyApplication) => Promise<T>): Promise<T> {
  let { config } = options;
  const embedded = config.database.url ? undefined : await startEmbeddedPostgres(config.database.embeddedDataDir, options.logger);
  if (embedded) {
    options.say(
      embedded.adopted
        ? `Using the embedded PostgreSQL of the server running on ${config.database.embeddedDataDir}.`
        : `Started the embedded PostgreSQL on ${config.database.embeddedDataDir} (no server is running there; it is stopped again when done).`,
    );
    config = { ...config, database: { ...config.database, url: embedded.url } };
  }
  try {
    const app = await createApp(config, { contexts: options.contexts, available: options.available, logger: options.logger, background: false });
    try {
      await app.init();
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    if (embedded && !embedded.adopted) {
      if (await othersConnected(embedded.url)) options.say('The embedded PostgreSQL stays up: a server started meanwhile uses it.');
      else await embedded.stop();
    }
  }
}

/** Whether a process other than this one holds a connection (a server started while the task ran). */
async function othersConnected(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ n: string }>(
      `select count(*) as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
    );
    return Number(rows[0]!.n) > 0;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
