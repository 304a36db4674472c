import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '@shared-kernel';
import { isUtf8MediaType } from '@platform/http/json-body';

/** A token request has eight parameters at most; a form of thousands is an attack, not a request. */
const MAX_FORM_PARAMETERS = 100;

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
      if (!isUtf8MediaType(request.headers['content-type'], 'application/x-www-form-urlencoded')) {
        return done(Object.assign(new Error('Unsupported media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' }), undefined);
      }
      // No own prototype: a parameter named __proto__ is a parameter like any other.
      const parsed: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
      let count = 0;
      for (const [key, value] of new URLSearchParams(body.toString())) {
        if (++count > MAX_FORM_PARAMETERS) {
          const says = `holds more than ${MAX_FORM_PARAMETERS} parameters`;
          return done(
            new ValidationError(`The form ${says}`, [{ field: 'body', message: `body ${says}`, code: 'FORM_TOO_LARGE' }], 'FORM_TOO_LARGE'),
            undefined,
          );
        }
        const existing = parsed[key];
        if (existing === undefined) parsed[key] = value;
        else if (Array.isArray(existing)) existing.push(value);
        else parsed[key] = [existing, value];
      }
      done(null, parsed);
    });
  }
}
