import helmet from 'helmet';
import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { Logger as Pino } from 'pino';
import { newId } from '@shared-kernel';
import type { AppConfig } from '../config/app-config';
import { requestContext } from '../context/request-context';
import { Lifecycle } from '../lifecycle/lifecycle';
import { looksSensitive, maskUrlPath } from '../logging/sensitive-data';
import type { Metrics } from '../metrics/metrics';
import { traceIdOf } from '../tracing/trace-id';
import { installFormBodyParser } from './form-body';
import { installJsonBodyParser } from './json-body';
import { problem } from './problem';
import { sendProblem, toProblem } from './problem.filter';

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
    // Errors the router raises before any hook runs (a bad percent-encoding, a path
    // parameter over maxParamLength) leave as problem documents too, not Fastify's own JSON.
    frameworkErrors: (error, request, reply) => {
      reply.header('x-request-id', request.id);
      sendProblem(reply, toProblem(error, request, frameworkLogger));
    },
  };
}

const frameworkLogger = new Logger('HttpEdge');

/**
 * The methods each route path declares, for 405 answers: a request whose path exists under
 * another method is told which methods it has (`Allow`), instead of a 404. A path is the
 * route template that matches it most specifically, as OpenAPI matches paths (a concrete
 * segment before a templated one): `/v1/ledger/transfers/batch` is that path, not
 * `/v1/ledger/transfers/:id`, even for a method only the templated route declares.
 */
export class DeclaredMethods {
  private readonly routes: Array<{ readonly url: string; readonly segments: readonly string[]; readonly pattern: RegExp; readonly methods: Set<string> }> = [];

  add(method: string | readonly string[], url: string): void {
    // CORS answers preflights on every path ('*'): that is no method of any route.
    if (url.includes('*')) return;
    let route = this.routes.find((r) => r.url === url);
    if (!route) {
      const segments = url.split('/');
      const source = `^${segments.map((segment) => (segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}$`;
      this.routes.push((route = { url, segments, pattern: new RegExp(source), methods: new Set() }));
    }
    for (const m of typeof method === 'string' ? [method] : method) route.methods.add(m);
  }

  /** The route template this path belongs to and its methods (undefined: no route has it). */
  resolve(path: string): { readonly url: string; readonly methods: readonly string[] } | undefined {
    let best: (typeof this.routes)[number] | undefined;
    for (const route of this.routes) if (route.pattern.test(path) && (!best || moreSpecific(route.segments, best.segments))) best = route;
    return best && { url: best.url, methods: [...best.methods].sort() };
  }

  /**
   * Whether a path the router matched to `url` may belong to a more specific route (the only
   * case where resolve() can name another one), computed once per template: most routes have
   * none, so most requests skip the scan.
   */
  mayBeShadowed(url: string): boolean {
    let shadowed = this.shadowed.get(url);
    if (shadowed === undefined) {
      const segments = url.split('/');
      shadowed = this.routes.some(
        (r) =>
          r.url !== url &&
          r.segments.length === segments.length &&
          r.segments.every((segment, i) => segment === segments[i] || segment.startsWith(':') || segments[i]!.startsWith(':')) &&
          moreSpecific(r.segments, segments),
      );
      this.shadowed.set(url, shadowed);
    }
    return shadowed;
  }

  private readonly shadowed = new Map<string, boolean>();
}

/** Whether a template is more specific than another of the same path: at the first segment where they differ, it is concrete. */
function moreSpecific(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const aParam = a[i]!.startsWith(':');
    if (aParam !== b[i]!.startsWith(':')) return !aParam;
  }
  return false;
}

function methodNotAllowed(request: FastifyRequest, reply: FastifyReply, allowed: readonly string[]): void {
  reply.header('allow', allowed.join(', '));
  sendProblem(
    reply,
    problem(405, 'METHOD_NOT_ALLOWED', 'Method not allowed', {
      detail: `${request.method} is not a method of this route; it takes ${allowed.join(', ')}`,
      instance: request.url.split('?')[0],
      requestId: String(request.id),
      allow: [...allowed],
    }),
  );
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
  // UTF-8 JSON only, its depth and width bounded before it is parsed.
  installJsonBodyParser(fastify);
  // Forms only where a route takes them (@FormBody(): the OAuth token endpoint, provider callbacks).
  installFormBodyParser(fastify);

  const declared = new DeclaredMethods();
  fastify.addHook('onRoute', (route) => declared.add(route.method, route.url));

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

  // A path that exists under other methods: 405 with Allow (after the security headers).
  // Also when the router found a templated route for a method the path's own (more
  // specific) route lacks: GET /v1/ledger/transfers/batch is not a transfer id.
  fastify.addHook('onRequest', (request, reply, done) => {
    const matched = request.is404 ? undefined : request.routeOptions.url;
    if (matched === undefined || declared.mayBeShadowed(matched)) {
      const path = declared.resolve(request.url.split('?')[0]!);
      if (path && path.url !== matched && !path.methods.includes(request.method)) return methodNotAllowed(request, reply, path.methods);
    }
    done();
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
