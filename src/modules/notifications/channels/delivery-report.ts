/*
 * A provider's word about a message after it accepted it (Twilio status callbacks, SMTP
 * bounces, APNs/FCM answers arriving later): the callback controllers verify the provider's
 * signature, parse its body into a DeliveryReport and hand it to the sink, which moves the
 * message along its status timeline (idempotently: a repeated report changes nothing).
 */
export interface DeliveryReport {
  /** The ChannelProvider's name that accepted the message. */
  readonly provider: string;
  /** The provider's id for the message, as returned in SendOutcome.accepted. */
  readonly providerMessageId: string;
  readonly status: 'sent' | 'delivered' | 'bounced' | 'failed';
  /** The provider's reason code or text, never message content. */
  readonly reason?: string;
  readonly at: Date;
}

export interface DeliveryReportSink {
  record(report: DeliveryReport): Promise<void>;
}

/** Nest token of the DeliveryReportSink (the dispatcher's repository implements it). */
export const DELIVERY_REPORT_SINK = Symbol('DELIVERY_REPORT_SINK');
