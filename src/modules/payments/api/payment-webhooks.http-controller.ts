import { Controller, Headers, HttpCode, Logger, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { DomainError, NotFoundError } from '@shared-kernel';
import { Public } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { KeepRawBody, RawBody } from '@platform/http/raw-body';
import { ApiResult, ValidParams } from '@platform/http/zod-request';
import { PaymentsSignal } from '../application/dispatch/dispatch-signal';
import { WebhookVerificationError } from '../connectors/connector';
import { ConnectorRegistry } from '../connectors/connector-registry';
import { ProviderEventRepository } from '../infrastructure/provider-event.repository';
import { ConnectorParams, WebhookReceipt } from './dto/payments.requests';

/**
 * The payment providers' webhooks, one route per connector: public (no access token; the
 * provider signs instead), verified on the raw body with the connector's scheme before
 * anything is stored. The translated events are stored (deduplicated by connector and
 * event id: a redelivery stores nothing) and answered 200 at once; the provider-events job
 * applies them. A forged or stale signature is 400 WEBHOOK_SIGNATURE_INVALID, nothing stored.
 */
@ApiTags('payment-webhooks')
@Public()
@Controller('payment-webhooks')
export class PaymentWebhooksHttpController {
  private readonly logger = new Logger('PaymentWebhooks');

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly events: ProviderEventRepository,
    private readonly signal: PaymentsSignal,
  ) {}

  @Post(':connector')
  @HttpCode(200)
  @KeepRawBody()
  @ApiOperation({
    operationId: 'receivePaymentWebhook',
    summary: "A provider's webhook (Stripe-Signature, Adyen HMAC, PayPal verification): stored, then applied once",
  })
  @ApiResult(200, WebhookReceipt)
  @ApiProblems(400, 404, 415)
  async receive(
    @ValidParams(ConnectorParams) { connector: name }: z.output<typeof ConnectorParams>,
    @RawBody() rawBody: Buffer,
    @Headers() headers: Record<string, string | string[] | undefined>,
  ): Promise<WebhookReceipt> {
    const connector = this.registry.get(name);
    if (!connector?.verifyWebhook) throw new NotFoundError('CONNECTOR_NOT_FOUND', `No webhooks are received for ${name}`);
    const flat: Record<string, string | undefined> = {};
    for (const [key, value] of Object.entries(headers)) flat[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    let events;
    try {
      events = await connector.verifyWebhook(rawBody, flat);
    } catch (error) {
      if (!(error instanceof WebhookVerificationError)) throw error;
      this.logger.warn({ connector: name, reason: error.message }, 'payment webhook refused: signature does not verify');
      throw new DomainError('validation', 'WEBHOOK_SIGNATURE_INVALID', 'The webhook signature does not verify', {
        errors: [{ field: 'signature', message: error.message, code: 'WEBHOOK_SIGNATURE_INVALID' }],
      });
    }
    const stored = await this.events.store(name, events);
    if (stored > 0) this.signal.wake('events');
    return { received: events.length, stored };
  }
}
