import type { Logger } from 'pino';
import { createApp, shutdown } from './bootstrap';
import { CONTEXTS } from './modules';
import type { AppConfig } from './platform/config/app-config';
import { remoteContexts, selectContexts } from './platform/contexts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './platform/database/embedded-postgres';

/** Starts the platform and serves HTTP until SIGTERM/SIGINT, then shuts down gracefully. */
export async function serve(config: AppConfig, logger: Logger, tracing?: { shutdown(): Promise<void> }): Promise<void> {
  const startedAt = process.hrtime.bigint();
  const contexts = selectContexts(config, CONTEXTS);
  // Before anything starts: a needed context that runs nowhere reachable stops the process.
  remoteContexts(config, contexts, CONTEXTS);

  let embedded: EmbeddedPostgres | undefined;
  if (!config.database.url) {
    embedded = await startEmbeddedPostgres(config.database.embeddedDataDir, logger);
    config = { ...config, database: { ...config.database, url: embedded.url } };
  }

  const app = await createApp(config, { contexts, available: CONTEXTS, logger });
  await app.listen({ port: config.http.port, host: config.http.host });

  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host === '0.0.0.0' || config.http.host === '::' ? '127.0.0.1' : config.http.host;
  const base = `http://${host}:${port}`;
  logger.info(
    {
      url: base,
      docs: config.http.docsEnabled ? `${base}/docs` : undefined,
      database: embedded ? 'embedded' : 'external',
      cache: config.redisUrl ? 'redis' : 'memory',
      events: config.kafka ? 'kafka' : 'in-process',
      contexts: contexts.map((c) => c.name),
      bootMs: Number((process.hrtime.bigint() - startedAt) / 1_000_000n),
    },
    `Skyro Core listening on ${base}` + (config.http.docsEnabled ? ` (API docs: ${base}/docs)` : ''),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ graceMs: config.shutdownGraceMs }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownGraceMs);
    deadline.unref();
    try {
      await shutdown(app);
      await embedded?.stop();
      await tracing?.shutdown();
      logger.info('shutdown complete');
      logger.flush();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
}
