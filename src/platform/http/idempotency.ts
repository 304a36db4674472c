import { createHash } from 'node:crypto';
import {
  applyDecorators,
  createParamDecorator,
  Injectable,
  Logger,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { catchError, defer, from, mergeMap, of, throwError, type Observable } from 'rxjs';
import { canonicalJson, DomainError } from '@shared-kernel';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { UnitOfWork } from '../database/unit-of-work';
import { ApiProblems } from './api-problems.decorator';
import { toProblem } from './problem.filter';
import { ReplayedResponse } from './replayed-response';

const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** A request left in progress (its pod died) may be retried after this long. */
const LOCK_MS = 30_000;
const CLAIM_KEY = `insert into platform.idempotency_keys (scope, key, request_hash, state, locked_until)
  values ($1, $2, $3, 'in_progress', now() + $4 * interval '1 millisecond')
  on conflict (scope, key) do nothing
  returning locked_until::text`;
/** How often a claim that could not be released (the database was down) is tried again. */
const RELEASE_RETRY_MS = 200;

export interface IdempotentOptions {
  /** Reject requests without the header (default: the header is optional). */
  readonly required?: boolean;
}

/**
 * Stripe-style idempotency for state-changing endpoints: the first answer to an
 * `Idempotency-Key` (per caller) is stored and replayed for a retry with the same body;
 * the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; a retry while the first
 * is still running is 409 IDEMPOTENCY_REQUEST_IN_PROGRESS. Validation failures and
 * server errors are not stored, so the client can fix and retry with the same key.
 */
export const Idempotent = (options: IdempotentOptions = {}): MethodDecorator =>
  applyDecorators(
    SetMetadata(IDEMPOTENT_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: options.required ?? false,
      description: 'Unique key (1-255 printable ASCII characters) per operation; a retry with the same key and body returns the first result',
      // The pattern the interceptor checks, so the document promises what is accepted.
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: KEY_FORMAT.source },
    }),
    ApiProblems(409, 422),
  );

const IDEMPOTENT_OPTIONS = Symbol('skyro:idempotent');

/** The request's Idempotency-Key (the first, if sent twice), or undefined. */
function keyOf(request: { headers: Record<string, string | string[] | undefined> }): string | undefined {
  const header = request.headers['idempotency-key'];
  return Array.isArray(header) ? header[0] : header;
}

/**
 * The Idempotency-Key of an `@Idempotent` route, for a handler that derives an id from it.
 * `@Idempotent` documents the header once, with its pattern; `@Headers('idempotency-key')`
 * would document it a second time, without one (clients and fuzzers then send keys the
 * interceptor refuses). Undefined only where `@Idempotent` does not require the key.
 */
export const IdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined =>
  keyOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);

interface StoredKey {
  request_hash: string;
  state: 'in_progress' | 'completed';
  status_code: number | null;
  response_body: string | null;
  locked: boolean;
}

/**
 * Claims whose request failed in this process but could not be released, because the
 * database was down at that moment. Their first attempt is known to be over, so a retry
 * arriving here takes over at once instead of waiting LOCK_MS for the claim to lapse
 * (409 IDEMPOTENCY_REQUEST_IN_PROGRESS); meanwhile each is released as soon as the database
 * answers again, for retries that reach another pod. Process-wide: Nest may build an
 * interceptor per module.
 */
const abandonedClaims = new Map<string, NodeJS.Timeout>();
const claimId = (scope: string, key: string): string => `${scope}\n${key}`;

@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT_OPTIONS, context.getHandler()) ?? {};
    const key = keyOf(request);

    if (key === undefined) {
      if (options.required) {
        throw new DomainError('validation', 'IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header', {
          errors: [{ field: 'Idempotency-Key', message: 'Idempotency-Key header is required' }],
        });
      }
      return next.handle();
    }
    if (!KEY_FORMAT.test(key)) {
      throw new DomainError('validation', 'IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1-255 printable ASCII characters', {
        errors: [{ field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }],
      });
    }
    const principal = request.principal;
    const scope = `${principal ? `${principal.kind}:${principal.subject}` : 'anonymous'} ${request.method} ${request.routeOptions.url ?? ''}`;
    const hash = createHash('sha256')
      .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body)}`)
      .digest('hex');

    return from(this.begin(scope, key, hash)).pipe(
      mergeMap((begun) => {
        if ('replay' in begun) {
          const stored = begun.replay;
          reply.header('idempotent-replayed', 'true');
          const body: unknown = stored.response_body === null ? null : JSON.parse(stored.response_body);
          if (stored.status_code! >= 400) throw new ReplayedResponse(stored.status_code!, body);
          return of(body);
        }
        return defer(() => next.handle()).pipe(
          mergeMap(async (body: unknown) => {
            await this.finish(scope, key, successStatus(this.reflector, context, request.method), body);
            return body;
          }),
          catchError((error: unknown) => from(this.onError(scope, key, begun.claim, error, request)).pipe(mergeMap(() => throwError(() => error)))),
        );
      }),
    );
  }

  /** Claims the key (the claim is its lock's expiry, which names this attempt); returns the stored outcome when this is a replay. */
  private async begin(scope: string, key: string, hash: string): Promise<{ replay: StoredKey } | { claim: string }> {
    // A new key (nearly every request) is claimed by one statement; a key seen before is sorted out under its row lock below.
    const fresh = await this.uow.query<{ locked_until: string }>(CLAIM_KEY, [scope, key, hash, LOCK_MS]);
    if (fresh.rowCount === 1) return { claim: fresh.rows[0]!.locked_until };
    return this.uow.run(async (tx) => {
      for (let attempt = 1; ; attempt++) {
        const claimed = await tx.query<{ locked_until: string }>(CLAIM_KEY, [scope, key, hash, LOCK_MS]);
        if (claimed.rowCount === 1) return { claim: claimed.rows[0]!.locked_until };
        const { rows } = await tx.query<StoredKey>(
          `select request_hash, state, status_code, response_body, locked_until > now() as locked
           from platform.idempotency_keys where scope = $1 and key = $2 for update`,
          [scope, key],
        );
        const stored = rows[0];
        // Released a moment ago by a failed first attempt: claim it afresh.
        if (!stored && attempt < 3) continue;
        if (stored?.request_hash !== undefined && stored.request_hash !== hash) {
          throw new DomainError('unprocessable', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request');
        }
        if (stored?.state === 'completed') return { replay: stored };
        const abandoned = abandonedClaims.get(claimId(scope, key));
        if (stored && abandoned) {
          clearTimeout(abandoned);
          abandonedClaims.delete(claimId(scope, key));
        } else if (!stored || stored.locked) {
          throw new DomainError('conflict', 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed; retry shortly', {
            retryAfterSeconds: 1,
          });
        }
        // The first attempt's process died mid-request, or failed here while the database was down: this retry takes over.
        const taken = await tx.query<{ locked_until: string }>(
          `update platform.idempotency_keys set locked_until = now() + $3 * interval '1 millisecond' where scope = $1 and key = $2 returning locked_until::text`,
          [scope, key, LOCK_MS],
        );
        return { claim: taken.rows[0]!.locked_until };
      }
    });
  }

  private async finish(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.uow.query(`update platform.idempotency_keys set state = 'completed', status_code = $3, response_body = $4 where scope = $1 and key = $2`, [
      scope,
      key,
      status,
      body === undefined ? null : JSON.stringify(body),
    ]);
  }

  private async onError(scope: string, key: string, claim: string, error: unknown, request: AuthenticatedRequest): Promise<void> {
    try {
      // A business outcome (404, 409, 422...) is the answer to this request: replay it.
      if (error instanceof DomainError && !TRANSIENT.has(error.kind)) {
        const body = toProblem(error, request, this.logger);
        await this.finish(scope, key, body.status, body);
        return;
      }
      await this.release(scope, key, claim);
    } catch (storeError) {
      this.logger.warn({ err: storeError }, 'could not record the outcome of an idempotent request; its claim is released once the database answers');
      this.releaseLater(scope, key, claim, Date.now() + LOCK_MS);
    }
  }

  /** Releases this attempt's claim — only its own: a retry that took the key over has another lock expiry. */
  private async release(scope: string, key: string, claim: string): Promise<void> {
    await this.uow.query(`delete from platform.idempotency_keys where scope = $1 and key = $2 and state = 'in_progress' and locked_until = $3::timestamptz`, [
      scope,
      key,
      claim,
    ]);
  }

  /** Keeps trying to release an abandoned claim until it succeeds, a retry takes it over, or it lapses by itself. */
  private releaseLater(scope: string, key: string, claim: string, lapsesAt: number): void {
    const id = claimId(scope, key);
    clearTimeout(abandonedClaims.get(id));
    if (Date.now() >= lapsesAt) {
      abandonedClaims.delete(id);
      return;
    }
    const timer = setTimeout(() => {
      if (abandonedClaims.get(id) !== timer) return;
      this.release(scope, key, claim).then(
        () => abandonedClaims.get(id) === timer && abandonedClaims.delete(id),
        () => abandonedClaims.get(id) === timer && this.releaseLater(scope, key, claim, lapsesAt),
      );
    }, RELEASE_RETRY_MS);
    timer.unref();
    abandonedClaims.set(id, timer);
  }
}

/** Outcomes a retry may change: they are not stored. */
const TRANSIENT = new Set<DomainError['kind']>(['validation', 'unauthorized', 'rate_limited', 'unavailable']);

function successStatus(reflector: Reflector, context: ExecutionContext, method: string): number {
  return reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? (method === 'POST' ? 201 : 200);
}
