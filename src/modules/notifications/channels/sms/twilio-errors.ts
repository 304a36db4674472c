/*
 * Twilio's error codes (https://www.twilio.com/docs/api/errors) as the SMS channel treats
 * them. Twilio's own `message` is never kept: it often repeats the phone number.
 *
 *  - recipient: this number will not take this message at this account (invalid, a landline,
 *    unsubscribed with STOP, a region the account may not send to). Permanent.
 *  - content: the message itself is refused (too long). Permanent.
 *  - busy: Twilio asks to come back later (rate limits, queue full, its own outage). Transient.
 *  - account: our credentials or sender are wrong or suspended. Transient: the message is not
 *    undeliverable, the account is; the dispatcher fails over to the secondary and retries
 *    later, while an operator fixes the account.
 */
export type TwilioErrorClass = 'recipient' | 'content' | 'busy' | 'account';

export const TWILIO_ERRORS: Readonly<Record<number, { readonly class: TwilioErrorClass; readonly says: string }>> = {
  21211: { class: 'recipient', says: 'invalid To number' },
  21214: { class: 'recipient', says: 'To number cannot be reached' },
  21217: { class: 'recipient', says: 'To number does not appear valid' },
  21219: { class: 'recipient', says: 'To number not verified (trial account)' },
  21401: { class: 'recipient', says: 'invalid phone number' },
  21407: { class: 'recipient', says: 'number type does not support SMS' },
  21408: { class: 'recipient', says: 'sending to this region is not enabled' },
  21604: { class: 'recipient', says: 'To number missing' },
  21610: { class: 'recipient', says: 'recipient unsubscribed (STOP)' },
  21612: { class: 'recipient', says: 'To number not reachable by SMS' },
  21614: { class: 'recipient', says: 'To number is not a mobile number' },
  21635: { class: 'recipient', says: 'To number is a landline' },
  21602: { class: 'content', says: 'message body missing' },
  21617: { class: 'content', says: 'message body over 1600 characters' },
  20429: { class: 'busy', says: 'too many requests' },
  20500: { class: 'busy', says: 'Twilio internal error' },
  20503: { class: 'busy', says: 'Twilio unavailable' },
  21611: { class: 'busy', says: 'From number queue full' },
  30001: { class: 'busy', says: 'queue overflow' },
  14107: { class: 'busy', says: 'SMS send rate limit exceeded' },
  20003: { class: 'account', says: 'authentication failed' },
  20005: { class: 'account', says: 'account not active' },
  20404: { class: 'account', says: 'resource not found (account SID or base URL)' },
  10001: { class: 'account', says: 'account not active' },
  21212: { class: 'account', says: 'invalid From number' },
  21606: { class: 'account', says: 'From number cannot send SMS' },
  21659: { class: 'account', says: 'From is not a Twilio number' },
  21703: { class: 'account', says: 'messaging service invalid' },
  30002: { class: 'account', says: 'account suspended' },
};

/** Delivery errors Twilio reports in status callbacks (ErrorCode), for the report's reason. */
export const TWILIO_DELIVERY_ERRORS: Readonly<Record<number, string>> = {
  30003: 'unreachable handset',
  30004: 'message blocked',
  30005: 'unknown destination',
  30006: 'landline or unreachable carrier',
  30007: 'carrier filtered',
  30008: 'unknown error',
  21610: 'recipient unsubscribed (STOP)',
};
