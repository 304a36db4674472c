import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql, createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/**
 * The identity context: users (personal data encrypted per user, see ADR 0006), their
 * data keys, one-time tokens, refresh-token families, MFA factors, passkeys, OAuth
 * clients and codes, and the hash-chained, append-only security audit log.
 */
export class IdentitySchema1763900000100 implements MigrationInterface {
  name = 'IdentitySchema1763900000100';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'identity');
    const statements = [
      `create table identity.users (
         id               uuid primary key,
         email_index      bytea unique,
         status           text not null check (status in ('pending', 'active', 'locked', 'disabled', 'closed')),
         roles            text[] not null default '{customer}',
         password_hash    text,
         personal_data    bytea,
         locale           text not null default 'en',
         channels         text[] not null default '{email}',
         email_verified_at timestamptz,
         created_at       timestamptz not null default now(),
         updated_at       timestamptz not null default now(),
         closed_at        timestamptz
       )`,
      // Crypto-shredding: erasing a user deletes wrapped_key; personal_data stays unreadable.
      `create table identity.user_keys (
         user_id      uuid primary key references identity.users (id),
         kek_id       text,
         wrapped_key  bytea,
         created_at   timestamptz not null default now(),
         destroyed_at timestamptz,
         check ((wrapped_key is null) = (destroyed_at is not null))
       )`,
      `create table identity.one_time_tokens (
         id           uuid primary key,
         user_id      uuid not null references identity.users (id),
         purpose      text not null check (purpose in ('verify_email', 'password_reset')),
         token_hash   bytea not null unique,
         -- the raw token for the notifications context, under the user's data key; wiped on use
         delivery     bytea,
         expires_at   timestamptz not null,
         used_at      timestamptz,
         created_at   timestamptz not null default now()
       )`,
      'create index one_time_tokens_user_idx on identity.one_time_tokens (user_id, purpose)',
      // What the notifications context fetches for a NotificationRequested event (ADR 0007).
      `create table identity.notification_requests (
         id          uuid primary key,
         user_id     uuid not null references identity.users (id),
         template    text not null,
         token_id    uuid references identity.one_time_tokens (id),
         created_at  timestamptz not null default now(),
         expires_at  timestamptz not null
       )`,
      `create table identity.refresh_token_families (
         id             uuid primary key,
         user_id        uuid not null references identity.users (id),
         client_id      text,
         scopes         text[] not null default '{}',
         amr            text[] not null,
         created_at     timestamptz not null default now(),
         expires_at     timestamptz not null,
         revoked_at     timestamptz,
         revoked_reason text
       )`,
      'create index refresh_token_families_user_idx on identity.refresh_token_families (user_id) where revoked_at is null',
      `create table identity.refresh_tokens (
         token_hash   bytea primary key,
         family_id    uuid not null references identity.refresh_token_families (id),
         created_at   timestamptz not null default now(),
         rotated_at   timestamptz
       )`,
      'create index refresh_tokens_family_idx on identity.refresh_tokens (family_id)',
      `create table identity.totp_factors (
         user_id          uuid primary key references identity.users (id),
         secret           bytea not null,
         confirmed_at     timestamptz,
         last_used_step   bigint not null default 0,
         created_at       timestamptz not null default now()
       )`,
      `create table identity.recovery_codes (
         user_id    uuid not null references identity.users (id),
         code_hash  bytea not null,
         used_at    timestamptz,
         primary key (user_id, code_hash)
       )`,
      `create table identity.webauthn_credentials (
         id            text primary key,
         user_id       uuid not null references identity.users (id),
         public_key    bytea not null,
         counter       bigint not null,
         transports    text[] not null default '{}',
         device_type   text not null,
         backed_up     boolean not null,
         name          text not null,
         created_at    timestamptz not null default now(),
         last_used_at  timestamptz
       )`,
      'create index webauthn_credentials_user_idx on identity.webauthn_credentials (user_id)',
      `create table identity.oauth_clients (
         id             text primary key,
         name           text not null,
         type           text not null check (type in ('confidential', 'public')),
         secret_hash    bytea,
         scopes         text[] not null,
         grant_types    text[] not null,
         redirect_uris  text[] not null default '{}',
         created_by     uuid,
         created_at     timestamptz not null default now(),
         disabled_at    timestamptz,
         check ((type = 'confidential') = (secret_hash is not null))
       )`,
      `create table identity.authorization_codes (
         code_hash       bytea primary key,
         client_id       text not null references identity.oauth_clients (id),
         user_id         uuid not null references identity.users (id),
         redirect_uri    text not null,
         code_challenge  text not null,
         scopes          text[] not null,
         nonce           text,
         amr             text[] not null,
         auth_time       timestamptz not null,
         expires_at      timestamptz not null,
         used_at         timestamptz
       )`,
      `create table identity.audit_log (
         seq          bigint primary key,
         occurred_at  timestamptz not null,
         type         text not null,
         actor_id     text,
         subject_id   text,
         ip           text,
         request_id   text,
         details      jsonb not null default '{}',
         prev_hash    bytea not null,
         hash         bytea not null unique
       )`,
      'create index audit_log_subject_idx on identity.audit_log (subject_id, seq)',
      'create index audit_log_actor_idx on identity.audit_log (actor_id, seq)',
      'create index audit_log_type_idx on identity.audit_log (type, seq)',
      ...appendOnlySql('identity.audit_log'),
    ];
    for (const sql of statements) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'identity');
  }
}
