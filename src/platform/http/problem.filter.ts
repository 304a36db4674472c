import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type DomainErrorKind, type FieldError } from '@shared-kernel';
import { describeFault, infrastructureFault } from '../faults/infrastructure-fault';
import { maskUrlPath } from '../logging/sensitive-data';
import { ReplayedResponse } from './replayed-response';
import { PROBLEM_CONTENT_TYPE, problem, type ProblemDocument } from './problem';

const STATUS_OF: Record<DomainErrorKind, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const TITLE_OF: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

// Fastify's own errors (body parsing happens before any Nest code runs) keyed by its codes.
const FASTIFY_CODES: Record<string, { status: number; code: string; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', detail: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', detail: 'The request body exceeds the size limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'BAD_CONTENT_LENGTH', detail: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'BAD_CONTENT_TYPE', detail: 'The Content-Type header is malformed' },
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', detail: 'The request URL is malformed' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST', detail: 'The request could not be routed' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', detail: 'A path segment of the request URL is too long' },
};

/**
 * Every error leaves as an RFC 9457 problem document. Known errors keep their status and
 * a stable code; anything unexpected is logged with the request id and answered as a
 * bare 500 without internals.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    sendProblem(reply, toProblem(exception, request, this.logger));
  }
}

export function sendProblem(reply: FastifyReply, body: ProblemDocument & Record<string, unknown>): void {
  if (reply.sent) return;
  const retryAfter = body['retryAfterSeconds'];
  if (typeof retryAfter === 'number') reply.header('retry-after', String(Math.ceil(retryAfter)));
  // RFC 6750: a 401 names the scheme the client should use.
  if (body.status === 401)
    reply.header('www-authenticate', `Bearer realm="skyro", error="${body.code === 'AUTHENTICATION_REQUIRED' ? 'invalid_request' : 'invalid_token'}"`);
  void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
}

export function toProblem(exception: unknown, request: FastifyRequest, logger: Logger): ProblemDocument & Record<string, unknown> {
  // The instance is echoed to the caller and lands in gateways' and clients' logs: no query
  // string, no card number, IBAN or e-mail address in it.
  const base = { instance: maskUrlPath(request.url), requestId: String(request.id) };

  if (exception instanceof ReplayedResponse) return exception.body as ProblemDocument & Record<string, unknown>;

  if (exception instanceof DomainError) {
    const status = STATUS_OF[exception.kind];
    return problem(status, exception.code, TITLE_OF[status] ?? 'Error', {
      ...base,
      detail: exception.message,
      ...(exception.details.errors ? { errors: [...exception.details.errors] } : {}),
      ...(exception.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: exception.details.retryAfterSeconds } : {}),
      ...exception.details.extensions,
    });
  }

  // Nest wraps Fastify's own errors (body parsing) in an HttpException; keep their codes.
  const fastify = fastifyError(exception instanceof HttpException ? exception.cause : exception);
  if (fastify) {
    return problem(fastify.status, fastify.code, TITLE_OF[fastify.status] ?? 'Error', {
      ...base,
      detail: fastify.detail,
      ...(fastify.errors ? { errors: fastify.errors } : {}),
    });
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status >= 500) logger.error({ err: exception }, 'HTTP exception');
    const response = exception.getResponse();
    const detail = typeof response === 'string' ? response : text((response as { message?: unknown }).message ?? exception.message);
    const code = status === (HttpStatus.NOT_FOUND as number) ? 'ROUTE_NOT_FOUND' : httpCode(status);
    return problem(status, code, TITLE_OF[status] ?? 'Error', { ...base, detail: status >= 500 ? undefined : detail });
  }

  // PostgreSQL, Redis or Kafka not answering: 503 with Retry-After and the part's code, not a 500.
  const fault = infrastructureFault(exception);
  if (fault) {
    logger.warn({ requestId: base.requestId, code: fault.code, cause: describeFault(exception) }, 'infrastructure unavailable; answered 503');
    return toProblem(fault, request, logger);
  }

  logger.error({ err: exception, requestId: base.requestId }, 'unhandled error');
  return problem(500, 'INTERNAL_ERROR', TITLE_OF[500]!, {
    ...base,
    detail: 'An unexpected error occurred; quote the request id when contacting support',
  });
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: { missingProperty?: string; additionalProperty?: string };
}

function fastifyError(exception: unknown): { status: number; code: string; detail: string; errors?: FieldError[] } | undefined {
  const e = exception as { code?: unknown; statusCode?: unknown; validation?: AjvIssue[]; validationContext?: string } | null;
  if (!e || typeof e.code !== 'string') return undefined;
  if (e.code === 'FST_ERR_VALIDATION' && Array.isArray(e.validation)) {
    // A route's JSON schema failed (Ajv): name the field like the DTO validation does.
    const errors = e.validation.map((issue): FieldError => {
      const path = issue.instancePath.split('/').filter(Boolean);
      if (issue.params.missingProperty)
        return { field: [...path, issue.params.missingProperty].join('.'), message: `${issue.params.missingProperty} is required`, code: issue.keyword };
      if (issue.params.additionalProperty) {
        const field = [...path, issue.params.additionalProperty].join('.');
        return { field, message: `${field} is not an accepted field`, code: issue.keyword };
      }
      const field = path.join('.') || e.validationContext || 'body';
      return { field, message: `${field} ${issue.message ?? 'is invalid'}`, code: issue.keyword };
    });
    return { status: 400, code: 'VALIDATION_FAILED', detail: 'The request has invalid fields', errors };
  }
  const known = FASTIFY_CODES[e.code];
  if (known) return known;
  // Other fastify client errors (4xx) are passed on with a generic code, never as a 500.
  if (e.code.startsWith('FST_') && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, code: 'BAD_REQUEST', detail: 'The request could not be processed' };
  }
  return undefined;
}

/** An HttpException's message as text: Nest gives a string, or a list of them (joined as String() would). */
function text(message: unknown): string {
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map((m) => text(m)).join(',');
  return JSON.stringify(message) ?? '';
}

function httpCode(status: number): string {
  return (TITLE_OF[status] ?? `HTTP ${status}`).toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}
