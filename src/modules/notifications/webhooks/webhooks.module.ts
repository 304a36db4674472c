import { Module } from '@nestjs/common';
import { WebhooksHttpController } from './api/webhooks.http-controller';
import { ChangeEndpoint } from './application/change-endpoint/change-endpoint';
import { DeliverWebhooksJob } from './application/deliver-webhooks/deliver-webhooks.job';
import { FanOutEvent } from './application/fan-out/fan-out-event';
import { OnAccountsEventHandler } from './application/fan-out/on-accounts-event.event-handler';
import { OnLedgerEventHandler } from './application/fan-out/on-ledger-event.event-handler';
import { OnPaymentsEventHandler } from './application/fan-out/on-payments-event.event-handler';
import { ReadEndpoints } from './application/read-endpoints/read-endpoints';
import { RegisterEndpoint } from './application/register-endpoint/register-endpoint';
import { ReplayMessages } from './application/replay-messages/replay-messages';
import { RotateSecret } from './application/rotate-secret/rotate-secret';
import { HostResolver } from './infrastructure/host-resolver';
import { UrlGuard } from './infrastructure/url-guard';
import { WebhookRepository } from './infrastructure/webhook.repository';
import { WebhookSecrets } from './infrastructure/webhook-secrets';
import { WebhookSender } from './infrastructure/webhook-sender';

/** Outbound webhooks of the notifications context (docs/webhooks.md). */
@Module({
  controllers: [WebhooksHttpController],
  providers: [
    WebhookRepository,
    WebhookSecrets,
    HostResolver,
    UrlGuard,
    WebhookSender,
    DeliverWebhooksJob,
    FanOutEvent,
    OnAccountsEventHandler,
    OnLedgerEventHandler,
    OnPaymentsEventHandler,
    RegisterEndpoint,
    ChangeEndpoint,
    RotateSecret,
    ReplayMessages,
    ReadEndpoints,
  ],
})
export class WebhooksModule {}
