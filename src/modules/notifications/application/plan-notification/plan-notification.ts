import { Injectable } from '@nestjs/common';
import { canonicalJson, UnprocessableError, ConflictError } from '@shared-kernel';
import type { Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { NotificationFailedV1 } from '@modules/notifications/contract';
import type { Channel } from '@modules/notifications/domain/categories';
import { channelAllowed } from '@modules/notifications/domain/preferences';
import { MessageRepository } from '@modules/notifications/infrastructure/message.repository';
import { PreferenceRepository } from '@modules/notifications/infrastructure/preference.repository';
import { TemplateRepository } from '@modules/notifications/infrastructure/template.repository';
import { DispatchSignal } from '../dispatch-messages/dispatch-signal';

export interface NotificationRequest {
  /** The idempotency key: an event's id, identity's notification id, or the caller's command id. */
  readonly id: string;
  readonly userId: string;
  readonly template: string;
  /** Ids, amounts and codes from the event: never personal data (that is fetched at send time). */
  readonly variables: Readonly<Record<string, string>>;
  /** Default: the template's channels. */
  readonly channels?: readonly Channel[];
}

/**
 * Turns a request into messages, one per channel, in the caller's transaction (the event's
 * inbox row, or the command's): a channel the user muted becomes a suppressed message (the
 * timeline says why), the others are queued for the dispatcher, which renders and sends
 * them at send time. A request id seen before adds nothing, so a redelivered event or a
 * retried command sends nothing twice.
 */
@Injectable()
export class PlanNotification {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly messages: MessageRepository,
    private readonly preferences: PreferenceRepository,
    private readonly outbox: Outbox,
    private readonly signal: DispatchSignal,
  ) {}

  /**
   * `unknownTemplate`: `refuse` answers 422 (a caller's mistake, nothing stored); `record`
   * stores a failed message and an error event (an event naming a template that is gone).
   */
  async plan(tx: Tx, request: NotificationRequest, unknownTemplate: 'refuse' | 'record'): Promise<{ created: boolean }> {
    const template = await this.templates.newest(request.template, tx);
    if (!template && unknownTemplate === 'refuse') throw new UnprocessableError('NOTIFICATION_TEMPLATE_UNKNOWN', `no template ${request.template}`);
    const fingerprint = canonicalJson({ userId: request.userId, template: request.template, variables: request.variables, channels: request.channels ?? null });
    const recorded = await this.messages.insertRequest(tx, { id: request.id, userId: request.userId, template: request.template, fingerprint });
    if (!recorded.created) {
      if (!recorded.sameFields) throw new ConflictError('NOTIFICATION_REQUEST_EXISTS_WITH_DIFFERENT_FIELDS', `request ${request.id} exists with other fields`);
      return { created: false };
    }
    if (!template) {
      const channel = request.channels?.[0] ?? 'in_app';
      const id = await this.messages.insert(tx, {
        requestId: request.id,
        userId: request.userId,
        template: request.template,
        category: 'transactional',
        channel,
        variables: request.variables,
        status: 'queued',
      });
      await this.messages.transition(tx, id!, 'failed', { reason: 'TEMPLATE_NOT_FOUND', failureCode: 'TEMPLATE_NOT_FOUND' });
      await this.outbox.append(tx, 'notifications', [
        NotificationFailedV1(id!, {
          messageId: id!,
          userId: request.userId,
          template: request.template,
          channel,
          code: 'TEMPLATE_NOT_FOUND',
          failedAt: new Date().toISOString(),
        }),
      ]);
      return { created: true };
    }
    const preferences = await this.preferences.of(request.userId, tx);
    for (const channel of request.channels ?? template.channels) {
      const allowed = channelAllowed(preferences, template.category, channel);
      await this.messages.insert(tx, {
        requestId: request.id,
        userId: request.userId,
        template: request.template,
        category: template.category,
        channel,
        variables: request.variables,
        status: allowed ? 'queued' : 'suppressed',
        reason: allowed ? undefined : 'MUTED_BY_PREFERENCES',
      });
    }
    tx.afterCommit(() => this.signal.wake());
    return { created: true };
  }
}
