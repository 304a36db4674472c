import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users' push device tokens (FCM registration tokens, APNs device tokens). A token names one
 * app install, so it is unique per platform: registered again by another user (a shared
 * device, a new sign-in) it moves to them. A provider's "unregistered" answer marks it dead;
 * the dispatcher sends only to live ones.
 */
export class NotificationsDeviceTokens1796181400000 implements MigrationInterface {
  name = 'NotificationsDeviceTokens1796181400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table notifications.device_tokens (
        id             uuid primary key,
        user_id        uuid not null,
        platform       text not null check (platform in ('fcm', 'apns')),
        token          text not null check (length(token) between 1 and 4096),
        created_at     timestamptz not null default now(),
        registered_at  timestamptz not null default now(),
        dead_at        timestamptz,
        dead_reason    text,
        unique (platform, token)
      )`);
    await q.query('create index device_tokens_live_of_user on notifications.device_tokens (user_id, registered_at desc) where dead_at is null');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table notifications.device_tokens');
  }
}
