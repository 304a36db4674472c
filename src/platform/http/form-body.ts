import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiConsumes } from '@nestjs/swagger';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '@shared-kernel';
import { isUtf8MediaType } from './json-body';

/** No route that takes a form needs more than a few dozen parameters; a form of thousands is an attack, not a request. */
export const MAX_FORM_PARAMETERS = 100;

/** The Fastify route config flag set by @FormBody(). */
const FORM_BODY = 'skyroFormBody';

/**
 * The route also takes `application/x-www-form-urlencoded` bodies (besides JSON): the OAuth
 * token endpoint (RFC 6749 §4.1.3) and provider callbacks (Twilio posts forms). Everywhere
 * else a form stays 415: the app accepts JSON only unless a route opts in here.
 */
export const FormBody = (): MethodDecorator =>
  applyDecorators(RouteConfig({ [FORM_BODY]: true }), ApiConsumes('application/x-www-form-urlencoded', 'application/json'));

const unsupported = () => Object.assign(new Error('Unsupported media type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });

/**
 * The one form parser of the app (installed with the JSON parser at the HTTP edge): UTF-8
 * only, at most MAX_FORM_PARAMETERS parameters, for the routes marked @FormBody(). A
 * repeated parameter is kept as an array, which validation then rejects (RFC 6749 §3.2:
 * parameters must not repeat); the parsed object has no prototype, so `__proto__` is a
 * parameter like any other.
 */
export function installFormBodyParser(fastify: FastifyInstance): void {
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    const config = request.routeOptions.config as unknown as Record<string, unknown> | undefined;
    if (config?.[FORM_BODY] !== true) return done(unsupported(), undefined);
    if (!isUtf8MediaType(request.headers['content-type'], 'application/x-www-form-urlencoded')) return done(unsupported(), undefined);
    const parsed: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    let count = 0;
    for (const [key, value] of new URLSearchParams(body.toString())) {
      if (++count > MAX_FORM_PARAMETERS) {
        const says = `holds more than ${MAX_FORM_PARAMETERS} parameters`;
        return done(new ValidationError(`The form ${says}`, [{ field: 'body', message: `body ${says}`, code: 'FORM_TOO_LARGE' }], 'FORM_TOO_LARGE'), undefined);
      }
      const existing = parsed[key];
      if (existing === undefined) parsed[key] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else parsed[key] = [existing, value];
    }
    done(null, parsed);
  });
}
