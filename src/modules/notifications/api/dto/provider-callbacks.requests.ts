import { z } from 'zod';

/* Provider status callbacks as the providers post them (form bodies). */

const sid = (prefixes: string) => z.string().regex(new RegExp(`^(${prefixes})[0-9a-fA-F]{32}$`), 'must be a Twilio SID');

/** Every status Twilio reports for an outbound message (https://www.twilio.com/docs/messaging/api/message-resource#message-status-values). */
export const TWILIO_MESSAGE_STATUSES = [
  'queued',
  'accepted',
  'scheduled',
  'sending',
  'sent',
  'delivered',
  'read',
  'undelivered',
  'failed',
  'canceled',
  'partially_delivered',
  'receiving',
  'received',
] as const;

/**
 * A Twilio message status callback. Twilio adds parameters over time (and the signature
 * covers all of them), so any other parameter is taken as long as it is text of a bounded
 * length; the ones the report needs are checked.
 */
export const TwilioStatusCallback = z
  .object({
    MessageSid: sid('SM|MM'),
    MessageStatus: z.enum(TWILIO_MESSAGE_STATUSES),
    AccountSid: sid('AC'),
    ErrorCode: z
      .string()
      .regex(/^\d{1,6}$/, 'must be a Twilio error code')
      .optional(),
  })
  .catchall(z.string().max(2000))
  .meta({ id: 'TwilioStatusCallback', description: "Twilio's status callback parameters (form-encoded as Twilio sends them)" });
export type TwilioStatusCallback = z.output<typeof TwilioStatusCallback>;
