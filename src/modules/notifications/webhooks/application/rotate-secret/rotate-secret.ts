import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@platform/auth/principal';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { WebhookRepository, type EndpointRecord } from '@modules/notifications/webhooks/infrastructure/webhook.repository';
import { WebhookSecrets } from '@modules/notifications/webhooks/infrastructure/webhook-secrets';
import { assertCanReach, endpointAccessOf } from '../endpoint-access';

/**
 * A new signing secret for an endpoint. The current one keeps signing for the window
 * (the request's, or NOTIFICATIONS_WEBHOOKS_ROTATION_WINDOW_SECONDS): meanwhile every
 * message carries both signatures, so the receiver can switch secrets at its own pace.
 * A window of 0 retires the old secret at once (a leaked secret).
 */
@Injectable()
export class RotateSecret {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: WebhookRepository,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  async execute(principal: Principal, id: string, windowSeconds?: number): Promise<{ endpoint: EndpointRecord; secret: string }> {
    const access = endpointAccessOf(principal);
    const secret = this.secrets.generate();
    const now = this.clock.now();
    const window = windowSeconds ?? this.config.webhooks.rotationWindowSeconds;
    const endpoint = await this.uow.run(async (tx) => {
      const current = assertCanReach(access, await this.repository.findEndpoint(id, tx, { forUpdate: true }), id);
      return this.repository.rotateSecret(
        tx,
        id,
        this.secrets.seal(id, secret),
        window > 0 ? current.secret : null,
        window > 0 ? new Date(now + window * 1000) : null,
        new Date(now),
      );
    });
    return { endpoint, secret };
  }
}
