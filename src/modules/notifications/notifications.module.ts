import { Inject, Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Scheduler } from '@platform/jobs/scheduler';
import { AdminNotificationsHttpController } from './api/admin-notifications.http-controller';
import { DevicesHttpController } from './api/devices.http-controller';
import { DevMailboxPages } from './api/dev-mailbox.pages';
import { NotificationsHttpController } from './api/notifications.http-controller';
import { ProviderCallbacksHttpController } from './api/provider-callbacks.http-controller';
import { DispatchMessages } from './application/dispatch-messages/dispatch-messages';
import { DispatchSignal } from './application/dispatch-messages/dispatch-signal';
import { GetNotificationQueryHandler } from './application/get-notification/get-notification.query-handler';
import { ManageInbox } from './application/manage-inbox/manage-inbox';
import { ManagePreferences } from './application/manage-preferences/manage-preferences';
import { OnAccountEventEventHandler } from './application/on-account-event/on-account-event.event-handler';
import { OnPaymentEventEventHandler } from './application/on-payment-event/on-payment-event.event-handler';
import { OnNotificationRequestedEventHandler } from './application/on-identity-request/on-notification-requested.event-handler';
import { PlanNotification } from './application/plan-notification/plan-notification';
import { RecordDeliveryReport } from './application/record-delivery-report/record-delivery-report';
import { SendNotificationCommandHandler } from './application/send-notification/send-notification.command-handler';
import { CHANNEL_PROVIDERS, type ChannelProvider } from './channels/channel-provider';
import { CHANNEL_PROVIDERS_PROVIDER } from './channels/channel-providers';
import { DELIVERY_REPORT_SINK } from './channels/delivery-report';
import { DeviceTokenRepository } from './channels/push';
import { ProviderHealth } from './channels/provider-health';
import { InboxRepository } from './infrastructure/inbox.repository';
import { MessageRepository } from './infrastructure/message.repository';
import { PreferenceRepository } from './infrastructure/preference.repository';
import { LinkBase, Recipients } from './infrastructure/recipients';
import { TemplateRenderer } from './infrastructure/template-renderer';
import { TemplateRepository } from './infrastructure/template.repository';
import { notificationsConfig, type NotificationsConfig } from './notifications.config';
import { BUILTIN_TEMPLATES } from './templates/builtin-templates';
import { WebhooksModule } from './webhooks/webhooks.module';

export const DISPATCH_JOB = 'notifications.dispatch';

/**
 * Notifications: identity's and accounts' events become messages (email, SMS, push, in-app)
 * rendered from versioned Liquid templates at send time, filtered by the user's
 * preferences, sent through each channel's providers with failover, retries and a status
 * timeline; the in-app inbox; the development mailbox.
 */
@Module({
  imports: [WebhooksModule],
  controllers: [NotificationsHttpController, AdminNotificationsHttpController, ProviderCallbacksHttpController, DevicesHttpController],
  providers: [
    CHANNEL_PROVIDERS_PROVIDER,
    ProviderHealth,
    DeviceTokenRepository,
    TemplateRepository,
    TemplateRenderer,
    MessageRepository,
    PreferenceRepository,
    InboxRepository,
    Recipients,
    LinkBase,
    DispatchSignal,
    PlanNotification,
    DispatchMessages,
    RecordDeliveryReport,
    { provide: DELIVERY_REPORT_SINK, useExisting: RecordDeliveryReport },
    SendNotificationCommandHandler,
    GetNotificationQueryHandler,
    OnNotificationRequestedEventHandler,
    OnAccountEventEventHandler,
    OnPaymentEventEventHandler,
    ManagePreferences,
    ManageInbox,
    DevMailboxPages,
  ],
  exports: [DELIVERY_REPORT_SINK, CHANNEL_PROVIDERS],
})
export class NotificationsModule implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly templates: TemplateRepository,
    private readonly dispatcher: DispatchMessages,
    @Inject(CHANNEL_PROVIDERS) private readonly providers: ChannelProvider[],
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.templates.seed(BUILTIN_TEMPLATES);
    this.scheduler.every(DISPATCH_JOB, this.config.dispatch.intervalMs, () => this.dispatcher.runOnce());
  }

  onModuleDestroy(): void {
    for (const provider of this.providers) (provider as { close?: () => void }).close?.();
  }
}
