import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/**
 * The payments context's schema (with its outbox and inbox): payments and their state
 * history, the gateway calls made for them, the providers' webhook events (a durable queue,
 * deduplicated by the provider's event id), refunds, and saved beneficiaries.
 */
export class PaymentsSchema1796195358821 implements MigrationInterface {
  name = 'PaymentsSchema1796195358821';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'payments');
    await q.query(`
      create table payments.beneficiaries (
        id              uuid primary key,
        owner_id        uuid not null,
        name            text not null,
        rail            text not null check (rail in ('ach', 'wire', 'sepa', 'swift')),
        currency        char(3) not null,
        country         char(2) not null,
        iban            text,
        bic             text,
        routing_number  text,
        account_number  text,
        account_type    text check (account_type in ('checking', 'savings')),
        created_at      timestamptz not null default now(),
        deleted_at      timestamptz
      )`);
    await q.query('create index beneficiaries_owner on payments.beneficiaries (owner_id, created_at desc, id desc) where deleted_at is null');
    await q.query(`
      create table payments.payments (
        id                       uuid primary key,
        seq                      bigint generated always as identity unique,
        owner_id                 uuid not null,
        kind                     text not null check (kind in ('pay_in', 'payout', 'transfer')),
        method                   text not null,
        state                    text not null,
        amount                   bigint not null check (amount > 0),
        currency                 char(3) not null,
        fee                      bigint not null default 0 check (fee >= 0),
        refunded_amount          bigint not null default 0 check (refunded_amount >= 0 and refunded_amount <= amount),
        account_id               uuid not null,
        ledger_account_id        uuid not null,
        counterparty_account_id  uuid,
        beneficiary_id           uuid references payments.beneficiaries (id),
        order_id                 uuid,
        connector                text,
        provider_reference       text,
        next_action              jsonb,
        failure_code             text,
        review                   text,
        sync_failures            integer not null default 0,
        request_fingerprint      text not null,
        request                  jsonb not null,
        reference                text,
        processing_since         timestamptz,
        created_at               timestamptz not null default now(),
        updated_at               timestamptz not null default now()
      )`);
    await q.query('create index payments_owner on payments.payments (owner_id, seq desc)');
    await q.query('create index payments_limits on payments.payments (owner_id, kind, currency, created_at)');
    await q.query("create index payments_open on payments.payments (processing_since) where state in ('created', 'requires_action', 'processing')");
    await q.query('create unique index payments_provider_reference on payments.payments (connector, provider_reference) where provider_reference is not null');
    await q.query('create index payments_review on payments.payments (updated_at) where review is not null');
    await q.query(`
      create table payments.payment_transitions (
        payment_id  uuid not null references payments.payments (id),
        seq         integer not null,
        from_state  text,
        to_state    text not null,
        cause       text not null check (cause in ('api', 'gateway', 'webhook', 'sync', 'job', 'staff', 'rail')),
        detail      jsonb,
        at          timestamptz not null default now(),
        primary key (payment_id, seq)
      )`);
    await q.query(`
      create table payments.gateway_calls (
        id               bigint generated always as identity primary key,
        payment_id       uuid not null references payments.payments (id),
        connector        text not null,
        operation        text not null,
        idempotency_key  text not null,
        outcome          text not null check (outcome in ('succeeded', 'failed', 'retryable', 'unknown')),
        error_code       text,
        latency_ms       integer not null,
        at               timestamptz not null default now()
      )`);
    await q.query('create index gateway_calls_payment on payments.gateway_calls (payment_id, id)');
    await q.query('create index gateway_calls_health on payments.gateway_calls (connector, at)');
    await q.query(`
      create table payments.refunds (
        id                  uuid primary key,
        payment_id          uuid not null references payments.payments (id),
        amount              bigint not null check (amount > 0),
        state               text not null check (state in ('pending', 'processing', 'succeeded', 'failed')),
        provider_reference  text,
        reason              text,
        created_at          timestamptz not null default now(),
        updated_at          timestamptz not null default now()
      )`);
    await q.query('create index refunds_payment on payments.refunds (payment_id)');
    await q.query(`
      create table payments.provider_events (
        connector     text not null,
        event_id      text not null,
        received_at   timestamptz not null default now(),
        payload       jsonb not null,
        processed_at  timestamptz,
        attempts      integer not null default 0,
        next_attempt_at timestamptz not null default now(),
        last_error    text,
        primary key (connector, event_id)
      )`);
    await q.query('create index provider_events_pending on payments.provider_events (next_attempt_at) where processed_at is null');
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'payments');
  }
}
