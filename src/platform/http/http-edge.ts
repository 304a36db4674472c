import helmet from 'helmet';
import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import type { Logger as Pino } from 'pino';
import { newId } from '@shared-kernel';
import type { AppConfig } from '../config/app-config';
import { requestContext } from '../context/request-context';
import { Lifecycle } from '../lifecycle/lifecycle';
import { looksSensitive, maskUrlPath } from '../logging/sensitive-data';
import type { Metrics } from '../metrics/metrics';
import { traceIdOf } from '../tracing/trace-id';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify server options: body limit, request ids, proxy trust. */
export function fastifyOptions(config: AppConfig): FastifyServerOptions {
  return {
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    // A caller's X-Request-Id is kept when it is safe to log; otherwise we mint one (and the
    // response carries ours). It is on every log line of the request: one that holds a card
    // number, an IBAN or an e-mail address would put it there.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) && !looksSensitive(given, { digitBoundary: 'digit' }) ? given : newId();
    },
    // Route JSON schemas (derived from the contracts' zod schemas where a zod parse would be
    // too slow, e.g. transfer batches) must reject what zod rejects: wrong types and unknown
    // fields, no coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, keywords: ['example'] } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
  };
}

/**
 * The edge every request crosses before any module code: request id in and out, the
 * request context for logs and events, security headers, CORS, per-route metrics, one
 * access-log line. (Errors raised inside Fastify itself, e.g. body parsing, reach the
 * global ProblemFilter through the error handler Nest installs.)
 */
export async function configureHttpEdge(app: NestFastifyApplication, config: AppConfig, metrics: Metrics, log: Pino): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();

  // JSON is the only body we accept; Fastify's text/plain default would let strings through.
  fastify.removeContentTypeParser(['text/plain']);

  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    requestContext.run({ requestId: String(request.id), traceId: traceIdOf(request.headers) }, done);
  });

  // While draining, every response closes its connection: a keep-alive socket would
  // otherwise hold the server open until its idle timeout.
  const lifecycle = app.get(Lifecycle);
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (lifecycle.state === 'stopping') reply.header('connection', 'close');
    done(null, payload);
  });

  // The access line holds fixed fields only — ids, method, the route template, the path
  // without its query and with any segment holding a card number, IBAN or e-mail masked
  // (`/v1/cards/:pan`), status, time — so it skips the redaction pass, which cost 24 of its
  // 30 µs. (Every line still crosses the logger's scrubber, well under a microsecond.)
  const accessLog = log.child({}, { redact: [] });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequestDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, seconds);
    if (route !== '/health/live' && route !== '/health/ready' && route !== '/metrics') {
      accessLog.info(
        {
          requestId: request.id,
          method: request.method,
          path: maskUrlPath(request.url),
          route,
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request',
      );
    }
    done();
  });

  // Security headers. Built once: @fastify/helmet rebuilt helmet's middleware (and re-parsed
  // the CSP) on every request, a twentieth of the CPU of a cheap route.
  const securityHeaders = helmet({
    // Swagger UI loads its own scripts and styles from /docs; nothing else serves HTML.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (error?: unknown) => done(error as Error | undefined));
  });

  if (config.http.corsOrigins.length > 0) {
    const origins = config.http.corsOrigins;
    await fastify.register(cors, {
      origin: origins.includes('*') ? true : [...origins],
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-request-id', 'traceparent'],
      exposedHeaders: ['x-request-id', 'retry-after', 'location'],
      maxAge: 600,
    });
  }
}
