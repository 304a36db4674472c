import { z } from 'zod';
import { DomainError, type DomainErrorKind } from '@shared-kernel';

/*
 * What a command or query looks like on the bus between processes (Kafka, request and
 * reply through @nestjs/microservices). One request topic per context, one reply topic per
 * request topic; the message key is the call's id.
 */

export function requestTopic(prefix: string, context: string): string {
  return `${prefix}skyro.bus.${context}`;
}

export function replyTopic(prefix: string, context: string): string {
  return `${requestTopic(prefix, context)}.reply`;
}

/** Requests are worthless after their deadline, replies once read: an hour of retention is plenty. */
export const BUS_TOPIC_CONFIG = [{ name: 'retention.ms', value: String(3_600_000) }];

export const BusRequest = z.object({
  /** The call's id: a redelivered or retried command with this id has one effect and gets the first result. */
  id: z.guid(),
  kind: z.enum(['command', 'query']),
  /** The contract type, e.g. `ledger.submit-transfers.v1`. */
  type: z.string(),
  payload: z.record(z.string(), z.unknown()),
  /** Epoch ms after which the caller no longer waits: the owner must not start it then. */
  deadline: z.number().int(),
  requestId: z.string().nullable(),
  traceId: z.string().nullable(),
});
export type BusRequest = z.infer<typeof BusRequest>;

const DOMAIN_ERROR_KINDS = [
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'unprocessable',
  'rate_limited',
  'unavailable',
] as const satisfies readonly DomainErrorKind[];

export const BusError = z.object({
  kind: z.enum(DOMAIN_ERROR_KINDS),
  code: z.string(),
  message: z.string(),
  details: z
    .object({
      errors: z.array(z.object({ field: z.string(), message: z.string(), code: z.string().optional() })).optional(),
      retryAfterSeconds: z.number().optional(),
      extensions: z.record(z.string(), z.unknown()).optional(),
    })
    .default({}),
  /** Not a domain error: the owner failed unexpectedly (the caller answers as it would in one process, 500). */
  internal: z.boolean().optional(),
});

export const BusReply = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: BusError }),
]);
export type BusReply = z.infer<typeof BusReply>;

/** A domain error as it crosses: kind, stable code, message and details; raised again on the caller's side. */
export function errorReply(error: DomainError): BusReply {
  return {
    ok: false,
    error: {
      kind: error.kind,
      code: error.code,
      message: error.message,
      details: { ...error.details, errors: error.details.errors ? [...error.details.errors] : undefined },
    },
  };
}

export function raise(context: string, error: z.infer<typeof BusError>): never {
  if (error.internal) throw new Error(`the ${context} context failed to handle the request (${error.code})`);
  throw new DomainError(error.kind, error.code, error.message, error.details);
}

/** The stable answer when a context in another process cannot answer in time (or at all). */
export function contextUnavailable(context: string, why: string): DomainError {
  return new DomainError('unavailable', 'CONTEXT_UNAVAILABLE', `The ${context} service is unavailable (${why}); retry shortly`, { retryAfterSeconds: 1 });
}
