import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '@platform/database/context-schema';

/**
 * Statements and interest (ADR 0012, 0013). Interest amounts are exact rationals kept as
 * integers over a fixed denominator (365 × 10^8 per minor unit), hence numeric(40,0): a
 * balance times a scaled rate does not fit a bigint. Money actually paid is bigint.
 */
export class StatementsAndInterest1763900200100 implements MigrationInterface {
  name = 'StatementsAndInterest1763900200100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table accounts.interest_rates (
        product              text not null check (product in ('checking', 'savings')),
        currency             char(3) not null,
        effective_from       date not null,
        annual_rate_percent  numeric(9,6) not null check (annual_rate_percent >= 0 and annual_rate_percent < 1000),
        created_by           text not null,
        created_at           timestamptz not null default now(),
        primary key (product, currency, effective_from)
      )`);
    await q.query(`
      create table accounts.interest_accruals (
        account_id           uuid not null references accounts.accounts (id),
        day                  date not null,
        balance              bigint not null,
        annual_rate_percent  numeric(9,6) not null,
        exact_scaled         numeric(40,0) not null,
        cumulative_scaled    numeric(40,0) not null,
        amount               bigint not null,
        capitalisation_period text,
        created_at           timestamptz not null default now(),
        primary key (account_id, day)
      )`);
    await q.query(`create index interest_accruals_open_idx on accounts.interest_accruals (account_id, day) where capitalisation_period is null`);
    await q.query(`
      create table accounts.interest_capitalisations (
        account_id     uuid not null references accounts.accounts (id),
        period         text not null check (period ~ '^([0-9]{4}-[0-9]{2}|final)$'),
        amount         bigint not null check (amount >= 0),
        transfer_id    uuid not null unique,
        posted_at      timestamptz,
        created_at     timestamptz not null default now(),
        primary key (account_id, period)
      )`);
    await q.query(`
      create table accounts.statements (
        id             uuid primary key,
        account_id     uuid not null references accounts.accounts (id),
        kind           text not null check (kind in ('on_demand', 'monthly', 'final')),
        period_from    timestamptz not null,
        period_to      timestamptz not null,
        opening_balance bigint not null,
        closing_balance bigint not null,
        posting_count  integer not null,
        requested_by   text not null,
        issued_at      timestamptz not null,
        check (period_from < period_to)
      )`);
    await q.query('create index statements_account_idx on accounts.statements (account_id, issued_at, id)');
    await q.query(`create unique index statements_monthly_uq on accounts.statements (account_id, period_from) where kind = 'monthly'`);
    await q.query(`create unique index statements_final_uq on accounts.statements (account_id) where kind = 'final'`);
    await q.query(`
      create table accounts.statement_documents (
        statement_id   uuid not null references accounts.statements (id),
        format         text not null check (format in ('json', 'csv', 'pdf')),
        content        bytea not null,
        sha256         text not null,
        primary key (statement_id, format)
      )`);
    // An issued statement is a record: the app may add statements, never change or remove one.
    await q.query(`revoke update, delete on accounts.statements, accounts.statement_documents from ${APP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table accounts.statement_documents');
    await q.query('drop table accounts.statements');
    await q.query('drop table accounts.interest_capitalisations');
    await q.query('drop table accounts.interest_accruals');
    await q.query('drop table accounts.interest_rates');
  }
}
