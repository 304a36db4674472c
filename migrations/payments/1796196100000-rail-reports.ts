import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the banks send back besides payment statuses: ACH notifications of change (the
 * corrected account details, sealed, for staff to apply to the beneficiary) and incoming
 * credits read from camt.054 / camt.053 statements, one row per credit keyed by the bank's
 * reference (a statement read twice credits once; a credit no customer account matches is
 * kept here for staff, never dropped).
 */
export class RailReports1796196100000 implements MigrationInterface {
  name = 'RailReports1796196100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table payments.rail_nocs (
        id               text primary key,
        payment_id       uuid,
        beneficiary_id   uuid,
        code             text not null,
        original_trace   text not null,
        corrected_fields text[] not null,
        corrected_sealed bytea not null,
        received_at      timestamptz not null default now(),
        seq              bigint generated always as identity unique
      )`);
    await q.query(`
      create table payments.rail_credits (
        id               uuid primary key,
        dedupe_key       text not null unique,
        rail             text not null check (rail in ('ach', 'wire', 'sepa', 'swift')),
        status           text not null check (status in ('matched', 'credited', 'unmatched')),
        amount           bigint not null check (amount > 0),
        currency         char(3) not null,
        account_id       uuid,
        payment_id       uuid,
        creditor_last4   text,
        details_sealed   bytea not null,
        booking_date     date,
        bank_reference   text,
        unmatched_reason text,
        received_at      timestamptz not null default now(),
        updated_at       timestamptz not null default now(),
        seq              bigint generated always as identity unique
      )`);
    await q.query("create index rail_credits_open on payments.rail_credits (status) where status <> 'credited'");
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table payments.rail_credits');
    await q.query('drop table payments.rail_nocs');
  }
}
