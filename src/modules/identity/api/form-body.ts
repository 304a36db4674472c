import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Routes that take RFC 6749 form bodies; everywhere else a form is still 415. */
export const FORM_ROUTES = new Set(['/v1/auth/token']);

/**
 * OAuth clients send `application/x-www-form-urlencoded` to the token endpoint (RFC 6749
 * §4.1.3). The app deliberately accepts JSON only, so the parser is registered here and
 * refuses any route but the token endpoint. A repeated parameter is kept as an array,
 * which validation then rejects (RFC 6749 §3.2: parameters must not repeat).
 */
@Injectable()
export class FormBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (fastify.hasContentTypeParser('application/x-www-form-urlencoded')) return;
    fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
      if (!FORM_ROUTES.has(request.routeOptions.url ?? '')) {
        return done(Object.assign(new Error('Unsupported media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
      }
      const parsed: Record<string, string | string[]> = {};
      for (const [key, value] of new URLSearchParams(body.toString())) {
        const existing = parsed[key];
        parsed[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
      }
      done(null, parsed);
    });
  }
}
