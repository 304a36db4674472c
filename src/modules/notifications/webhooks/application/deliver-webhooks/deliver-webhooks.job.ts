import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { Outbox } from '@platform/messaging/outbox';
import { WebhookEndpointDisabledV1 } from '@modules/notifications/contract';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { failedTooLong, nextAttemptAfterFailure } from '@modules/notifications/webhooks/domain/retry-schedule';
import { UrlGuard } from '@modules/notifications/webhooks/infrastructure/url-guard';
import { WebhookRepository, type DueMessage } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { WebhookSecrets } from '@modules/notifications/webhooks/infrastructure/webhook-secrets';
import { WebhookSender, type AttemptOutcome } from '@modules/notifications/webhooks/infrastructure/webhook-sender';

export const DELIVER_WEBHOOKS_JOB = 'notifications.webhooks.deliver';

/** Past the attempt's deadline, a lease still covers writing its outcome; then another process may claim the message. */
const LEASE_MARGIN_MS = 30_000;

/**
 * Sends due webhook messages, each attempt's outcome recorded with the message. Runs on the
 * platform scheduler in every process (claims are leased rows, FOR UPDATE SKIP LOCKED:
 * processes never attempt the same message at once) and at once after new messages commit.
 * The schedule lives in the database, so a restart loses nothing: what was due is claimed
 * by the next round, what was being attempted when a process died is claimed again when its
 * lease ends. Time comes from the platform Clock (tests step through the schedule); the
 * signature's timestamp is the wall clock, as receivers check it against theirs.
 */
@Injectable()
export class DeliverWebhooksJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('DeliverWebhooks');
  private kickPending = false;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: WebhookRepository,
    private readonly guard: UrlGuard,
    private readonly sender: WebhookSender,
    private readonly secrets: WebhookSecrets,
    private readonly outbox: Outbox,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every(DELIVER_WEBHOOKS_JOB, this.config.webhooks.pollIntervalMs, () => this.run());
  }

  /** New messages committed: attempt them now rather than at the next tick (coalesced). */
  kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(() => {
      this.kickPending = false;
      this.scheduler.runNow(DELIVER_WEBHOOKS_JOB).catch(() => undefined);
    });
  }

  /** One round: claims what is due and attempts it; answers how many attempts were made. */
  async run(): Promise<number> {
    const now = this.clock.now();
    const due = await this.repository.claimDue(new Date(now), new Date(now + this.config.webhooks.timeoutMs + LEASE_MARGIN_MS), this.config.webhooks.batchSize);
    await Promise.all(due.map((message) => this.attempt(message)));
    return due.length;
  }

  private async attempt(message: DueMessage): Promise<void> {
    let outcome: AttemptOutcome;
    try {
      outcome = await this.send(message);
    } catch (err) {
      // Our own failure (a secret that does not decrypt...): recorded as a failed attempt like any other.
      this.logger.error({ endpointId: message.endpointId, messageId: message.id, err }, 'webhook attempt failed on our side');
      outcome = { ok: false, responseStatus: null, responseTimeMs: 0, error: 'internal error before sending' };
    }
    const at = this.clock.now();
    const attemptsMade = message.attempts + 1;
    const next = outcome.ok ? null : nextAttemptAfterFailure(attemptsMade, at);
    try {
      await this.uow.run(async (tx) => {
        await this.repository.recordAttempt(tx, {
          messageId: message.id,
          endpointId: message.endpointId,
          at: new Date(at),
          trigger: message.replayed ? 'replay' : 'scheduled',
          ok: outcome.ok,
          responseStatus: outcome.responseStatus,
          responseTimeMs: outcome.responseTimeMs,
          error: outcome.error,
          nextAttemptAt: next === null ? null : new Date(next),
        });
        const failingSince = await this.repository.markEndpointOutcome(tx, message.endpointId, outcome.ok, new Date(at));
        if (failingSince && failedTooLong(failingSince.getTime(), at)) {
          const reason = `failing since ${failingSince.toISOString()} (5 days without a successful delivery); last error: ${outcome.error ?? 'unknown'}`.slice(
            0,
            200,
          );
          if (await this.repository.disableEndpoint(tx, message.endpointId, reason, new Date(at))) {
            await this.outbox.append(tx, 'notifications', [
              WebhookEndpointDisabledV1(message.endpointId, {
                endpointId: message.endpointId,
                clientId: message.endpoint.clientId,
                reason,
                failingSince: failingSince.toISOString(),
                disabledAt: new Date(at).toISOString(),
              }),
            ]);
            this.logger.warn({ endpointId: message.endpointId, clientId: message.endpoint.clientId }, 'webhook endpoint disabled after 5 days of failures');
          }
        }
      });
    } catch (err) {
      // The endpoint was deleted meanwhile (its messages went with it), or the database is
      // away: the lease ends and the message is attempted again.
      this.logger.warn({ endpointId: message.endpointId, messageId: message.id, err }, 'webhook attempt outcome not recorded');
    }
  }

  private async send(message: DueMessage): Promise<AttemptOutcome> {
    const vetting = await this.guard.vet(message.endpoint.url);
    if (!vetting.ok) return { ok: false, responseStatus: null, responseTimeMs: 0, error: `not sent: the URL ${vetting.reason}` };
    const sentAt = new Date();
    const secrets = [this.secrets.open(message.endpoint.id, message.endpoint.secret)];
    const previous = message.endpoint.previousSecret;
    const previousUntil = message.endpoint.previousSecretExpiresAt;
    if (previous && previousUntil && previousUntil.getTime() > this.clock.now()) secrets.push(this.secrets.open(message.endpoint.id, previous));
    const signature = secrets.map((secret) => new Webhook(secret).sign(message.id, sentAt, message.payload)).join(' ');
    return this.sender.send(
      vetting.target,
      {
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
        'webhook-sequence': message.sequence,
      },
      message.payload,
    );
  }
}
