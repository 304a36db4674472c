import { VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger as Pino } from 'pino';
import { AppModule } from './app.module';
import type { AppConfig } from './platform/config/app-config';
import type { ContextManifest } from './platform/context-definition';
import { remoteContexts } from './platform/contexts';
import { configureHttpEdge, fastifyOptions } from './platform/http/http-edge';
import { ProblemFilter } from './platform/http/problem.filter';
import { Lifecycle } from './platform/lifecycle/lifecycle';
import { createLogger } from './platform/logging/logger';
import { PinoNestLogger } from './platform/logging/nest-logger';
import { Metrics } from './platform/metrics/metrics';
import { buildOpenApiDocument, serveOpenApi } from './platform/openapi/openapi';
import { version } from '../package.json';

export interface CreateAppOptions {
  /** The contexts this process runs. */
  readonly contexts: readonly ContextManifest[];
  /** Every context of the codebase (default: the running ones). */
  readonly available?: readonly ContextManifest[];
  readonly logger?: Pino;
  /** Default true. false builds the app without connecting anywhere (openapi.json). */
  readonly connect?: boolean;
  /** Default true. false: a one-off task (the CLI), nothing started in the background. */
  readonly background?: boolean;
}

/** Builds the whole application (not yet listening): used by main, the tests and the openapi script. */
export async function createApp(config: AppConfig, options: CreateAppOptions): Promise<NestFastifyApplication> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const available = options.available ?? options.contexts;
  // Refuses (ConfigError, one line) when a needed context runs nowhere this process can reach.
  const remote = remoteContexts(config, options.contexts, available);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({
      config,
      contexts: options.contexts,
      available,
      remote,
      logger,
      connect: options.connect ?? true,
      background: options.background ?? true,
    }),
    new FastifyAdapter(fastifyOptions(config)),
    // bodyParser off: Fastify's own JSON parser stays, Nest adds no form parser.
    { logger: new PinoNestLogger(logger), abortOnError: false, bodyParser: false },
  );
  app.enableVersioning({ type: VersioningType.URI, defaultVersion: '1' });
  app.useGlobalFilters(new ProblemFilter());
  await configureHttpEdge(app, config, app.get(Metrics), logger);
  if (config.http.docsEnabled)
    serveOpenApi(
      app,
      buildOpenApiDocument(
        app,
        version,
        available.flatMap((c) => c.apiTags ?? []),
      ),
    );
  return app;
}

/**
 * Graceful shutdown: readiness goes 503, the server stops accepting and waits for
 * in-flight requests, then consumers stop, the relay flushes and connections close.
 */
export async function shutdown(app: NestFastifyApplication): Promise<void> {
  app.get(Lifecycle).beginShutdown();
  await app.getHttpAdapter().getInstance().close();
  await app.close();
}
