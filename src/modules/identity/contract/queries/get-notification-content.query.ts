import { Query } from '@nestjs/cqrs';
import type { NotificationTemplate } from '../events/notification-requested.v1.event';

export interface NotificationContentView {
  readonly notificationId: string;
  readonly template: NotificationTemplate;
  readonly channel: 'email';
  readonly recipient: { readonly email: string; readonly name: string };
  readonly locale: string;
  /** Template variables; `token` for verify-email and password-reset. */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * What the notifications context renders for a NotificationRequested event: recipient and
 * one-time token, decrypted on request. Null once the token was used or expired, or the
 * user was erased: there is nothing left to send.
 */
export class GetNotificationContentQuery extends Query<NotificationContentView | null> {
  constructor(readonly notificationId: string) {
    super();
  }
}
