import { Injectable } from '@nestjs/common';
import { ConflictError, DomainError, NotFoundError } from '@shared-kernel';
import type { Principal } from '@platform/auth/principal';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { WebhookRepository } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { assertCanReach, endpointAccessOf } from '../endpoint-access';
import { DeliverWebhooksJob } from '../deliver-webhooks/deliver-webhooks.job';

export interface ReplayRequest {
  readonly messageId?: string;
  readonly since?: string;
  readonly until?: string;
  readonly onlyFailed?: boolean;
}

/** A range replays at most this many messages per request (the answer says how many; ask again from the last). */
export const MAX_REPLAY = 1_000;
/** The longest range one request may name. */
const MAX_RANGE_MS = 31 * 24 * 3_600_000;

/**
 * Sends messages again, with their original id and sequence number (receivers deduplicate
 * by the id and reorder by the sequence), on a fresh schedule: at once, then the retries.
 */
@Injectable()
export class ReplayMessages {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: WebhookRepository,
    private readonly delivery: DeliverWebhooksJob,
    private readonly clock: Clock,
  ) {}

  async execute(principal: Principal, id: string, request: ReplayRequest): Promise<{ replayed: number }> {
    const access = endpointAccessOf(principal);
    const one = request.messageId !== undefined;
    const range = request.since !== undefined || request.until !== undefined;
    if (one === range || (range && (request.since === undefined || request.until === undefined)))
      throw new DomainError('unprocessable', 'WEBHOOK_REPLAY_REQUEST_INVALID', 'Name either messageId, or since and until', {
        errors: [{ field: one ? 'since' : request.since === undefined ? 'since' : 'until', message: 'name either messageId, or since and until' }],
      });
    const at = new Date(this.clock.now());
    const replayed = await this.uow.run(async (tx) => {
      const endpoint = assertCanReach(access, await this.repository.findEndpoint(id, tx, { forUpdate: true }), id);
      if (!endpoint.enabled) throw new ConflictError('WEBHOOK_ENDPOINT_DISABLED', 'The endpoint is disabled: enable it before replaying');
      if (request.messageId !== undefined) {
        if (!(await this.repository.replayMessage(tx, id, request.messageId, at)))
          throw new NotFoundError('WEBHOOK_MESSAGE_NOT_FOUND', `no message ${request.messageId} of this endpoint`);
        return 1;
      }
      const since = new Date(request.since!);
      const until = new Date(request.until!);
      // Rules between two well-formed fields (the document cannot state them): 422, naming the field.
      if (!(since < until) || until.getTime() - since.getTime() > MAX_RANGE_MS)
        throw new DomainError('unprocessable', 'WEBHOOK_REPLAY_RANGE_INVALID', 'until must be after since, by at most 31 days', {
          errors: [{ field: 'until', message: 'must be after since, by at most 31 days' }],
        });
      return this.repository.replayRange(tx, id, { since, until, onlyFailed: request.onlyFailed ?? false, limit: MAX_REPLAY }, at);
    });
    if (replayed > 0) this.delivery.kick();
    return { replayed };
  }
}
