/*
 * What a message is about decides what the user may turn off and how hard the platform
 * tries: security and legal messages always go out (a user must hear of a password change
 * or new terms); transactional ones may be muted per channel; marketing may be muted
 * entirely. Only urgent categories fall back to another channel when push is not delivered.
 */

export const CATEGORIES = ['security', 'legal', 'transactional', 'marketing'] as const;
export type Category = (typeof CATEGORIES)[number];

export const CHANNELS = ['email', 'sms', 'push', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Security and legal messages cannot be turned off, on any channel. */
export function canOptOut(category: Category): boolean {
  return category === 'transactional' || category === 'marketing';
}

/** Push not delivered in time goes out again on these channels, in order (security and transactional only). */
export function fallbackChannels(category: Category): readonly Channel[] {
  return category === 'security' || category === 'transactional' ? ['sms', 'email'] : [];
}

/** Quiet hours hold back only the channels that interrupt: push and SMS. Security messages are never held. */
export function respectsQuietHours(channel: Channel, category: Category): boolean {
  return (channel === 'push' || channel === 'sms') && category !== 'security';
}
