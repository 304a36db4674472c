import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbound webhooks: endpoints per OAuth client (with their signing secrets, encrypted, and
 * a rotated-out one while its window lasts), one message per endpoint and event (its
 * sequence number, payload and retry state), and every delivery attempt.
 */
export class NotificationWebhooks1796181500000 implements MigrationInterface {
  name = 'NotificationWebhooks1796181500000';

  async up(q: QueryRunner): Promise<void> {
    for (const statement of [
      `create table notifications.webhook_endpoints (
         id                          uuid primary key,
         client_id                   text not null,
         url                         text not null,
         description                 text not null default '',
         event_types                 text[] not null,
         enabled                     boolean not null default true,
         secret                      bytea not null,
         previous_secret             bytea,
         previous_secret_expires_at  timestamptz,
         last_sequence               bigint not null default 0,
         failing_since               timestamptz,
         disabled_at                 timestamptz,
         disabled_reason             text,
         created_at                  timestamptz not null,
         updated_at                  timestamptz not null
       )`,
      'create index webhook_endpoints_client_idx on notifications.webhook_endpoints (client_id, created_at)',
      'create index webhook_endpoints_types_idx on notifications.webhook_endpoints using gin (event_types) where enabled',
      `create table notifications.webhook_messages (
         id               uuid primary key,
         endpoint_id      uuid not null references notifications.webhook_endpoints (id) on delete cascade,
         event_id         uuid not null,
         event_type       text not null,
         sequence         bigint not null,
         payload          text not null,
         status           text not null check (status in ('pending', 'delivered', 'failed')),
         attempts         int not null default 0,
         next_attempt_at  timestamptz,
         lease_until      timestamptz,
         last_error       text,
         created_at       timestamptz not null,
         delivered_at     timestamptz,
         replayed_at      timestamptz,
         unique (endpoint_id, event_id),
         unique (endpoint_id, sequence)
       )`,
      "create index webhook_messages_due_idx on notifications.webhook_messages (next_attempt_at) where status = 'pending'",
      'create index webhook_messages_endpoint_idx on notifications.webhook_messages (endpoint_id, created_at)',
      `create table notifications.webhook_attempts (
         seq               bigint generated always as identity primary key,
         message_id        uuid not null references notifications.webhook_messages (id) on delete cascade,
         endpoint_id       uuid not null references notifications.webhook_endpoints (id) on delete cascade,
         attempted_at      timestamptz not null,
         trigger           text not null check (trigger in ('scheduled', 'replay')),
         status            text not null check (status in ('succeeded', 'failed')),
         response_status   int,
         response_time_ms  int not null,
         error             text
       )`,
      'create index webhook_attempts_endpoint_idx on notifications.webhook_attempts (endpoint_id, seq desc)',
      'create index webhook_attempts_message_idx on notifications.webhook_attempts (message_id)',
    ])
      await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table notifications.webhook_attempts');
    await q.query('drop table notifications.webhook_messages');
    await q.query('drop table notifications.webhook_endpoints');
  }
}
