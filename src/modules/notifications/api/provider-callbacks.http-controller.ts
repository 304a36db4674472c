import { Controller, Headers, HttpCode, Inject, Logger, Optional, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { DomainError } from '@shared-kernel';
import { Public } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { FormBody } from '@platform/http/form-body';
import { ValidBody } from '@platform/http/zod-request';
import { DELIVERY_REPORT_SINK, type DeliveryReport, type DeliveryReportSink } from '../channels/delivery-report';
import { isTwilioSignature } from '../channels/sms';
import { TWILIO_DELIVERY_ERRORS } from '../channels/sms/twilio-errors';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';
import { TwilioStatusCallback } from './dto/provider-callbacks.requests';

/**
 * Providers' status callbacks: public routes (no access token; Kong lists
 * /v1/notifications/callbacks in ingress.publicPaths), each verifying its provider's
 * signature before anything is recorded. A verified report goes to the DeliveryReportSink,
 * which moves the message along its timeline idempotently: a replayed callback changes
 * nothing, so the lack of a timestamp in Twilio's signature costs nothing.
 */
@ApiTags('notifications')
@Public()
@Controller('notifications/callbacks')
export class ProviderCallbacksHttpController {
  private readonly logger = new Logger('ProviderCallbacks');

  constructor(
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
    // Provided by the dispatcher's side of the context; without it callbacks answer 503 (Twilio then retries).
    @Optional() @Inject(DELIVERY_REPORT_SINK) private readonly sink?: DeliveryReportSink,
  ) {}

  @Post('twilio')
  @HttpCode(204)
  @FormBody()
  @ApiOperation({
    operationId: 'receiveTwilioStatus',
    summary: 'Twilio message status callback (signed with X-Twilio-Signature)',
    description:
      'Twilio posts here the StatusCallback each message was sent with (NOTIFICATIONS_SMS_STATUS_CALLBACK_URL). The signature is HMAC-SHA1 over that public URL and the sorted parameters, keyed with the auth token of the account named by AccountSid. Statuses before `sent` are acknowledged and not recorded.',
  })
  @ApiHeader({ name: 'X-Twilio-Signature', required: true, description: 'Base64 HMAC-SHA1 of the URL and the sorted POST parameters' })
  @ApiResponse({ status: 204, description: 'Verified (and recorded when the status is sent, delivered, undelivered, failed, read or canceled)' })
  @ApiProblems(400, 403, 415, 503)
  async twilio(@ValidBody(TwilioStatusCallback) body: TwilioStatusCallback, @Headers('x-twilio-signature') signature: string | undefined): Promise<void> {
    const url = this.config.sms.statusCallbackUrl;
    const account = url
      ? this.config.sms.accounts.find((a) => a.accountSid === body.AccountSid && a.authToken && isTwilioSignature(signature, a.authToken, url, body))
      : undefined;
    if (!account) {
      this.logger.warn({ accountSid: body.AccountSid }, 'twilio status callback refused: signature invalid');
      throw new DomainError('forbidden', 'TWILIO_SIGNATURE_INVALID', 'The X-Twilio-Signature header does not match this request');
    }
    const report = reportOf(account.name, body);
    if (!report) return;
    if (!this.sink) throw new DomainError('unavailable', 'DELIVERY_REPORTS_UNAVAILABLE', 'Delivery reports cannot be recorded now', { retryAfterSeconds: 30 });
    await this.sink.record(report);
  }
}

/** The report a Twilio status stands for; undefined for the statuses before `sent` (and inbound ones), which move nothing. */
export function reportOf(provider: string, body: TwilioStatusCallback, at = new Date()): DeliveryReport | undefined {
  const code = body.ErrorCode && body.ErrorCode !== '0' ? Number(body.ErrorCode) : undefined;
  const reason = code === undefined ? undefined : `twilio ${code}${TWILIO_DELIVERY_ERRORS[code] ? `: ${TWILIO_DELIVERY_ERRORS[code]}` : ''}`;
  const base = { provider, providerMessageId: body.MessageSid, at };
  switch (body.MessageStatus) {
    case 'sent':
      return { ...base, status: 'sent' };
    case 'delivered':
    case 'read':
      return { ...base, status: 'delivered' };
    case 'undelivered':
    case 'failed':
      return { ...base, status: 'failed', reason: reason ?? `twilio ${body.MessageStatus}` };
    case 'canceled':
      return { ...base, status: 'failed', reason: 'twilio canceled' };
    default:
      return undefined;
  }
}
