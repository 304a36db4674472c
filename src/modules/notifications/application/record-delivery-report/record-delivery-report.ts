import { Injectable, Logger } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { NotificationFailedV1 } from '@modules/notifications/contract';
import type { DeliveryReport, DeliveryReportSink } from '@modules/notifications/channels/delivery-report';
import { MessageRepository } from '@modules/notifications/infrastructure/message.repository';

/**
 * Applies a provider's status callback (verified and parsed by the callback routes) to the
 * message it accepted: forward only along the timeline (sent → delivered, bounced or
 * failed), so a repeated, late or out-of-order report changes nothing. A report for an
 * unknown message is ignored (a callback for another environment, or a forged id).
 */
@Injectable()
export class RecordDeliveryReport implements DeliveryReportSink {
  private readonly logger = new Logger('notifications.delivery-reports');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly messages: MessageRepository,
    private readonly outbox: Outbox,
  ) {}

  async record(report: DeliveryReport): Promise<void> {
    const applied = await this.uow.run(async (tx) => {
      const message = await this.messages.byProviderMessageId(tx, report.provider, report.providerMessageId);
      if (!message) return null;
      if (report.status === 'sent') return message.status === 'sent' ? message : null;
      const moved = await this.messages.applyReport(tx, message.id, report.status, report.provider, report.reason ?? null);
      if (moved && (report.status === 'bounced' || report.status === 'failed'))
        await this.outbox.append(tx, 'notifications', [
          NotificationFailedV1(message.id, {
            messageId: message.id,
            userId: message.user_id,
            template: message.template_key,
            channel: message.channel,
            code: report.status === 'bounced' ? 'BOUNCED' : 'PROVIDER_REPORTED_FAILURE',
            failedAt: report.at.toISOString(),
          }),
        ]);
      return moved ? message : null;
    });
    if (!applied) this.logger.debug({ provider: report.provider, status: report.status }, 'delivery report changed nothing');
  }
}
