import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql, createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/**
 * The notifications context's schema (with its outbox and inbox): versioned templates, users'
 * preferences, messages with their status timeline and delivery attempts, the in-app inbox.
 * No addresses, tokens or rendered email/SMS/push content are stored: messages render at send
 * time from identity's query (ADR 0007). In-app items keep their rendered title and body
 * (the inbox shows them later).
 */
export class NotificationsSchema1796181300537 implements MigrationInterface {
  name = 'NotificationsSchema1796181300537';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'notifications');
    await q.query(`
      create table notifications.templates (
        key         text not null,
        version     integer not null check (version > 0),
        category    text not null check (category in ('security', 'legal', 'transactional', 'marketing')),
        channels    text[] not null,
        active      boolean not null default true,
        created_at  timestamptz not null default now(),
        primary key (key, version)
      )`);
    await q.query(`
      create table notifications.template_texts (
        key      text not null,
        version  integer not null,
        locale   text not null,
        channel  text not null check (channel in ('email', 'sms', 'push', 'in_app')),
        subject  text,
        html     text,
        text     text not null,
        primary key (key, version, locale, channel),
        foreign key (key, version) references notifications.templates (key, version)
      )`);
    await q.query(`
      create table notifications.preferences (
        user_id      uuid primary key,
        time_zone    text not null default 'UTC',
        quiet_start  text,
        quiet_end    text,
        muted        jsonb not null default '{}',
        updated_at   timestamptz not null default now()
      )`);
    // One row per request (an event handled, or a SendNotificationCommand): its id is the idempotency key.
    await q.query(`
      create table notifications.requests (
        id           uuid primary key,
        user_id      uuid not null,
        template_key text not null,
        fingerprint  text not null,
        created_at   timestamptz not null default now()
      )`);
    await q.query(`
      create table notifications.messages (
        id                   uuid primary key,
        seq                  bigint generated always as identity unique,
        request_id           uuid not null references notifications.requests (id),
        user_id              uuid not null,
        template_key         text not null,
        template_version     integer,
        category             text not null,
        channel              text not null check (channel in ('email', 'sms', 'push', 'in_app')),
        locale               text,
        variables            jsonb not null default '{}',
        status               text not null check (status in ('queued', 'sent', 'delivered', 'bounced', 'failed', 'suppressed')),
        attempts             integer not null default 0,
        next_attempt_at      timestamptz,
        lease_until          timestamptz,
        provider             text,
        provider_message_id  text,
        failure_code         text,
        fallback_of          uuid references notifications.messages (id),
        fallback_due_at      timestamptz,
        created_at           timestamptz not null default now(),
        updated_at           timestamptz not null default now(),
        unique (request_id, channel)
      )`);
    await q.query(`create index messages_due_idx on notifications.messages (next_attempt_at) where status = 'queued'`);
    await q.query(`create index messages_fallback_idx on notifications.messages (fallback_due_at) where fallback_due_at is not null`);
    await q.query(`create index messages_user_idx on notifications.messages (user_id, seq desc)`);
    await q.query(`create unique index messages_provider_idx on notifications.messages (provider, provider_message_id) where provider_message_id is not null`);
    await q.query(`
      create table notifications.message_timeline (
        id          bigint generated always as identity primary key,
        message_id  uuid not null references notifications.messages (id),
        status      text not null,
        reason      text,
        provider    text,
        at          timestamptz not null default now()
      )`);
    await q.query(`create index message_timeline_message_idx on notifications.message_timeline (message_id, id)`);
    await q.query(`
      create table notifications.delivery_attempts (
        id          bigint generated always as identity primary key,
        message_id  uuid not null references notifications.messages (id),
        attempt     integer not null,
        provider    text not null,
        outcome     text not null check (outcome in ('accepted', 'transient', 'permanent')),
        reason      text,
        latency_ms  integer not null,
        at          timestamptz not null default now()
      )`);
    await q.query(`create index delivery_attempts_message_idx on notifications.delivery_attempts (message_id, id)`);
    await q.query(`
      create table notifications.inbox_items (
        id           uuid primary key references notifications.messages (id),
        -- Its message's seq: the inbox is in the order the messages were asked for, whatever order they were dispatched in.
        seq          bigint not null unique,
        user_id      uuid not null,
        category     text not null,
        title        text not null,
        body         text not null,
        created_at   timestamptz not null default now(),
        read_at      timestamptz,
        archived_at  timestamptz
      )`);
    await q.query(`create index inbox_items_user_idx on notifications.inbox_items (user_id, seq desc)`);
    await q.query(`create index inbox_items_unread_idx on notifications.inbox_items (user_id) where read_at is null and archived_at is null`);
    for (const statement of appendOnlySql('notifications.message_timeline', 'notifications.delivery_attempts')) await q.query(statement);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'notifications');
  }
}
