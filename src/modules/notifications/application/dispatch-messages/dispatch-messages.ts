import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { InboxItemAddedV1, NotificationFailedV1 } from '@modules/notifications/contract';
import { CHANNEL_PROVIDERS, type ChannelProvider, type OutboundMessage, type SendOutcome } from '@modules/notifications/channels/channel-provider';
import { ProviderHealth } from '@modules/notifications/channels/provider-health';
import { DeviceTokenRepository, type LiveDeviceToken } from '@modules/notifications/channels/push';
import { fallbackChannels, respectsQuietHours, type Channel } from '@modules/notifications/domain/categories';
import { channelAllowed, quietUntil } from '@modules/notifications/domain/preferences';
import { nextRetryDelayMs } from '@modules/notifications/domain/retry-schedule';
import { InboxRepository } from '@modules/notifications/infrastructure/inbox.repository';
import { MessageRepository, type MessageRow } from '@modules/notifications/infrastructure/message.repository';
import { PreferenceRepository } from '@modules/notifications/infrastructure/preference.repository';
import { LinkBase, Recipients } from '@modules/notifications/infrastructure/recipients';
import { RenderFailure, TemplateRenderer, type Rendered } from '@modules/notifications/infrastructure/template-renderer';
import { TemplateRepository } from '@modules/notifications/infrastructure/template.repository';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { DispatchSignal } from './dispatch-signal';

/** identity's templates: their content (recipient, token) comes from GetNotificationContentQuery. */
const IDENTITY_TEMPLATES = new Set(['verify-email', 'password-reset', 'account-exists', 'password-changed']);
const LEASE_MS = 60_000;

interface Addressed {
  readonly to: string | null;
  /** Push: the user's live devices this round goes to (one send each). */
  readonly devices?: readonly LiveDeviceToken[];
  readonly name: string;
  readonly locale: string;
  readonly variables: Record<string, string>;
}

/** One attempt at one provider (for push, at one device). */
interface Outcome {
  readonly provider: string;
  readonly outcome: SendOutcome;
  readonly deviceId?: string;
}

/** Why a message stops before any provider: its final status and the code on its timeline. */
class Stop extends Error {
  constructor(
    readonly status: 'failed' | 'suppressed',
    readonly code: string,
  ) {
    super(code);
  }
}

/**
 * Sends due messages: leases them (every pod dispatches, none twice at once), holds push and
 * SMS in quiet hours, fetches recipient and content from identity, renders the newest active
 * template version, and hands the result to the channel's providers in failover order
 * (healthy first); push goes to every live device of the user, each through its platform's
 * provider, and is sent when one accepted. Every attempt is recorded with provider, outcome
 * and latency (push: and device, so a later round skips devices that accepted); transient
 * failures are retried with exponential backoff and jitter (next_attempt_at is in the row, so
 * a restart loses nothing); a render failure, permanent failure or exhausted retries is
 * `failed` plus a NotificationFailedV1 event. Push that fails, or is not delivered in time,
 * falls back to SMS or email where the category allows.
 */
@Injectable()
export class DispatchMessages implements OnModuleDestroy {
  private readonly logger = new Logger('notifications.dispatch');
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: Outbox,
    private readonly messages: MessageRepository,
    private readonly templates: TemplateRepository,
    private readonly renderer: TemplateRenderer,
    private readonly preferences: PreferenceRepository,
    private readonly devices: DeviceTokenRepository,
    private readonly inbox: InboxRepository,
    private readonly recipients: Recipients,
    private readonly links: LinkBase,
    private readonly health: ProviderHealth,
    @Inject(CHANNEL_PROVIDERS) private readonly providers: ChannelProvider[],
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
    signal: DispatchSignal,
  ) {
    signal.listen(() => this.wake());
  }

  /** Runs a pass now, or once more after the one under way. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.runOnce().catch((error: unknown) => this.logger.error({ err: error }, 'dispatch pass failed'));
      } while (this.again && !this.stopped);
    })().finally(() => (this.running = undefined));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** One pass: due messages, then push messages past their fallback deadline. Answers how many were handled. */
  async runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const due = await this.messages.claimDue(this.config.dispatch.batch, LEASE_MS);
      for (const message of due) await this.guarded(message, () => this.dispatch(message));
      handled += due.length;
      if (due.length < this.config.dispatch.batch || this.stopped) break;
    }
    const late = await this.messages.claimFallbackDue(this.config.dispatch.batch, LEASE_MS);
    for (const message of late) await this.guarded(message, () => this.fallBack(message, 'PUSH_NOT_DELIVERED'));
    return handled + late.length;
  }

  /** A bug or an outage in one message never stops the others; its lease runs out and it is taken again. */
  private async guarded(message: MessageRow, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.error({ messageId: message.id, channel: message.channel, err: error }, 'dispatching a message failed; it is retried when its lease ends');
    }
  }

  private async dispatch(message: MessageRow): Promise<void> {
    if (respectsQuietHours(message.channel, message.category)) {
      const until = quietUntil(new Date(), await this.preferences.of(message.user_id));
      if (until) {
        await this.uow.run((tx) => this.messages.transition(tx, message.id, 'queued', { reason: 'QUIET_HOURS', nextAttemptAt: until }));
        return;
      }
    }
    let addressed: Addressed;
    let rendered: Rendered;
    let version: number | undefined;
    try {
      addressed = await this.address(message);
      const template = await this.templates.newest(message.template_key);
      if (!template) throw new Stop('failed', 'TEMPLATE_NOT_FOUND');
      version = template.version;
      const text = await this.templates.text(template, message.channel, addressed.locale);
      if (!text) throw new Stop('failed', 'TEMPLATE_NOT_FOUND');
      addressed = { ...addressed, locale: text.locale };
      const { timeZone } = await this.preferences.of(message.user_id);
      rendered = await this.renderer.render(
        text,
        { ...addressed.variables, name: addressed.name, locale: addressed.locale, timeZone },
        message.channel === 'sms' ? { smsMaxLength: this.config.smsMaxLength } : {},
      );
    } catch (error) {
      if (error instanceof Stop) return this.stop(message, error.status, error.code);
      if (error instanceof RenderFailure) return this.stop(message, 'failed', error.code, version !== undefined ? { templateVersion: version } : {});
      // identity unreachable (503 CONTEXT_UNAVAILABLE across processes) or the database: try again later.
      this.logger.warn({ messageId: message.id, err: error }, 'could not prepare a message; retrying later');
      return this.retryOrFail(message, 'PREPARE_FAILED');
    }
    if (message.channel === 'in_app') return this.deliverInApp(message, rendered, version, addressed.locale);
    await this.send(message, addressed, rendered, version);
  }

  /** Recipient, locale and variables: identity's content for its own templates, its recipient query for the others. */
  private async address(message: MessageRow): Promise<Addressed> {
    if (IDENTITY_TEMPLATES.has(message.template_key)) {
      const content = await this.recipients.content(message.variables['notificationId'] ?? '');
      // The token was used, replaced or expired, or the user erased: nothing left worth sending.
      if (!content) throw new Stop('suppressed', 'CONTENT_EXPIRED');
      const variables: Record<string, string> = { ...message.variables };
      const token = content.variables['token'];
      if (token) {
        const link = this.links.tokenLink(message.template_key, token);
        if (link) variables['link'] = link;
      }
      return { to: content.recipient.email, name: content.recipient.name, locale: content.locale, variables };
    }
    const recipient = await this.recipients.recipient(message.user_id);
    if (message.channel === 'in_app') return { to: null, name: recipient?.name ?? '', locale: recipient?.locale ?? 'en', variables: { ...message.variables } };
    if (!recipient) throw new Stop('suppressed', 'RECIPIENT_UNAVAILABLE');
    const base = { name: recipient.name, locale: recipient.locale, variables: { ...message.variables } };
    if (message.channel === 'email') return { ...base, to: recipient.email };
    if (message.channel === 'sms') {
      if (!recipient.phone) throw new Stop('suppressed', 'NO_PHONE_NUMBER');
      return { ...base, to: recipient.phone };
    }
    let devices = await this.devices.liveTokensOf(message.user_id);
    if (devices.length === 0) throw new Stop('suppressed', 'NO_PUSH_DEVICE');
    // A later round (after transient failures) never sends again to a device that already accepted.
    if (message.attempts > 0) {
      const accepted = await this.messages.acceptedDevices(message.id);
      devices = devices.filter((d) => !accepted.has(d.deviceId));
      if (devices.length === 0) throw new Stop('suppressed', 'NO_PUSH_DEVICE');
    }
    return { ...base, to: null, devices };
  }

  private async deliverInApp(message: MessageRow, rendered: Rendered, version: number, locale: string): Promise<void> {
    await this.uow.run(async (tx) => {
      const item = await this.inbox.add(tx, {
        id: message.id,
        seq: message.seq,
        userId: message.user_id,
        category: message.category,
        title: rendered.subject ?? '',
        body: rendered.text,
      });
      const moved = await this.messages.transition(tx, message.id, 'delivered', {
        provider: 'in_app',
        templateVersion: version,
        locale,
        attempts: message.attempts + 1,
      });
      if (item && moved)
        await this.outbox.append(tx, 'notifications', [
          InboxItemAddedV1(message.user_id, { itemId: item.id, userId: message.user_id, category: message.category, createdAt: item.created_at.toISOString() }),
        ]);
    });
  }

  private async send(message: MessageRow, addressed: Addressed, rendered: Rendered, version: number): Promise<void> {
    const providers = this.health.order(this.providers.filter((p) => p.channel === message.channel));
    if (providers.length === 0) return this.stop(message, 'failed', 'NO_PROVIDER', { templateVersion: version });
    const attempt = message.attempts + 1;
    const outbound: OutboundMessage = {
      messageId: message.id,
      channel: message.channel,
      to: addressed.to ?? '',
      ...(rendered.subject !== undefined ? { subject: rendered.subject } : {}),
      ...(rendered.html !== undefined ? { html: rendered.html } : {}),
      text: rendered.text,
      ...(message.channel === 'push' ? { data: { messageId: message.id, template: message.template_key } } : {}),
    };
    let outcomes: Outcome[];
    if (addressed.devices) {
      // Push: one send per live device, each through its platform's provider (FCM and APNs are not failover of each other), all at once.
      const sendable = addressed.devices.filter((d) => providers.some((p) => p.name === d.platform));
      if (sendable.length === 0) return this.stop(message, 'failed', 'NO_PROVIDER', { templateVersion: version });
      const perDevice = await Promise.all(
        sendable.map((d) =>
          this.tryProviders(
            providers.filter((p) => p.name === d.platform),
            { ...outbound, to: d.token, platform: d.platform },
            d.deviceId,
          ),
        ),
      );
      outcomes = perDevice.flat();
    } else {
      outcomes = await this.tryProviders(providers, outbound);
    }
    const accepted = outcomes.find((o) => o.outcome.kind === 'accepted');
    await this.uow.run(async (tx) => {
      for (const { provider, outcome, deviceId } of outcomes) {
        await this.messages.attempt(tx, message.id, {
          attempt,
          provider,
          outcome: outcome.kind,
          ...(outcome.kind === 'accepted' ? {} : { reason: outcome.reason }),
          latencyMs: outcome.latencyMs,
          ...(deviceId ? { deviceId } : {}),
        });
      }
      if (accepted && accepted.outcome.kind === 'accepted') {
        const delivered = accepted.outcome.delivered === true;
        const waitsForFallback = message.channel === 'push' && !delivered && fallbackChannels(message.category).length > 0;
        await this.messages.transition(tx, message.id, 'sent', {
          provider: accepted.provider,
          providerMessageId: accepted.outcome.providerMessageId,
          templateVersion: version,
          locale: addressed.locale,
          attempts: attempt,
          fallbackDueAt: waitsForFallback ? new Date(Date.now() + this.config.dispatch.pushFallbackMs) : null,
        });
        // The provider confirmed delivery in the same answer (the development mailbox): the timeline still shows sent first.
        if (delivered) await this.messages.applyReport(tx, message.id, 'delivered', accepted.provider, null);
      }
    });
    if (accepted) return;
    const transient = outcomes.filter((o) => o.outcome.kind === 'transient');
    if (transient.length > 0) {
      const retryAfter = Math.max(0, ...transient.map((o) => (o.outcome.kind === 'transient' ? (o.outcome.retryAfterMs ?? 0) : 0)));
      return this.retryOrFail({ ...message, template_version: version }, 'TRANSIENT_FAILURE', retryAfter, attempt);
    }
    const last = outcomes[outcomes.length - 1]!.outcome;
    await this.stop(message, 'failed', last.kind === 'permanent' ? last.reason : 'PERMANENT_FAILURE', { templateVersion: version, attempts: attempt });
  }

  /** Tries the providers in order until one accepts; for push, `deviceId` is the device the attempts went to. */
  private async tryProviders(providers: ChannelProvider[], outbound: OutboundMessage, deviceId?: string): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const provider of providers) {
      let outcome: SendOutcome;
      try {
        outcome = await provider.send(outbound);
      } catch (error) {
        // A provider's own bug: counted as transient at that provider, the next one is tried.
        this.logger.error({ messageId: outbound.messageId, provider: provider.name, err: error }, 'provider threw');
        outcome = { kind: 'transient', reason: 'PROVIDER_ERROR', latencyMs: 0 };
      }
      outcomes.push({ provider: provider.name, outcome, ...(deviceId ? { deviceId } : {}) });
      if (outcome.kind === 'accepted') this.health.succeeded(provider.name);
      else if (outcome.kind === 'transient') this.health.failed(provider.name);
      if (outcome.kind === 'accepted') break;
    }
    return outcomes;
  }

  /** Schedules the next try with backoff and jitter, or fails the message when its attempts are used up. */
  private async retryOrFail(message: MessageRow, why: string, retryAfterMs?: number, attempt = message.attempts + 1): Promise<void> {
    const delay = nextRetryDelayMs(
      attempt,
      { baseMs: this.config.dispatch.retryBaseMs, maxMs: this.config.dispatch.retryMaxMs, maxAttempts: this.config.dispatch.maxAttempts },
      retryAfterMs,
    );
    if (delay === null) return this.stop(message, 'failed', 'RETRIES_EXHAUSTED', { attempts: attempt });
    await this.uow.run((tx) =>
      this.messages.transition(tx, message.id, 'queued', { reason: `RETRY_SCHEDULED:${why}`, attempts: attempt, nextAttemptAt: new Date(Date.now() + delay) }),
    );
  }

  /** Final without sending: failed (with the error event, and push's fallback) or suppressed. */
  private async stop(
    message: MessageRow,
    status: 'failed' | 'suppressed',
    code: string,
    change: { templateVersion?: number; attempts?: number } = {},
  ): Promise<void> {
    const moved = await this.uow.run(async (tx) => {
      const done = await this.messages.transition(tx, message.id, status, { reason: code, failureCode: status === 'failed' ? code : null, ...change });
      if (done && status === 'failed') {
        await this.outbox.append(tx, 'notifications', [
          NotificationFailedV1(message.id, {
            messageId: message.id,
            userId: message.user_id,
            template: message.template_key,
            channel: message.channel,
            code,
            failedAt: new Date().toISOString(),
          }),
        ]);
      }
      return done;
    });
    if (moved && status === 'failed')
      this.logger.warn({ messageId: message.id, channel: message.channel, template: message.template_key, code }, 'notification failed');
    if (moved && status === 'failed' && message.channel === 'push' && !code.startsWith('TEMPLATE') && code !== 'SMS_TOO_LONG')
      await this.fallBack(message, code);
  }

  /**
   * Push failed or was not delivered in time: the same request goes out on the category's
   * fallback channels (SMS when an SMS provider is configured and the user has a phone
   * number, else email), which the user has not muted; a channel the request already used
   * sends nothing again (one message per request and channel).
   */
  private async fallBack(push: MessageRow, why: string): Promise<void> {
    let candidates = fallbackChannels(push.category).filter((c) => c !== 'sms' || this.providers.some((p) => p.channel === 'sms'));
    // SMS only to a user with a number: otherwise it would be suppressed (NO_PHONE_NUMBER) and email never tried.
    // identity unreachable: SMS stays a candidate (that message then waits for identity like any other).
    if (candidates.includes('sms') && !(await this.hasPhone(push.user_id))) candidates = candidates.filter((c) => c !== 'sms');
    const preferences = await this.preferences.of(push.user_id);
    const channel = candidates.find((c: Channel) => channelAllowed(preferences, push.category, c));
    await this.uow.run(async (tx) => {
      if (push.status === 'sent') await this.messages.timeline(tx, push.id, { status: 'sent', reason: why === 'PUSH_NOT_DELIVERED' ? 'FALLBACK_DUE' : why });
      if (!channel) return;
      await this.messages.insert(tx, {
        requestId: push.request_id,
        userId: push.user_id,
        template: push.template_key,
        category: push.category,
        channel,
        variables: push.variables,
        status: 'queued',
        fallbackOf: push.id,
      });
      tx.afterCommit(() => this.wake());
    });
  }

  private async hasPhone(userId: string): Promise<boolean> {
    try {
      const recipient = await this.recipients.recipient(userId);
      return recipient === null || Boolean(recipient.phone);
    } catch {
      return true;
    }
  }
}
