import type { MigrationInterface, QueryRunner } from 'typeorm';
import { appendOnlySql, contextSchemaSql } from '@platform/database/context-schema';

/**
 * The ledger's books. Transfers and postings are immutable (the app role may only insert
 * and read them); account totals and pending-transfer states are the only rows that change,
 * and always in the same transaction as the postings that explain the change.
 */
export class LedgerSchema1763900100000 implements MigrationInterface {
  name = 'LedgerSchema1763900100000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of contextSchemaSql('ledger')) await q.query(sql);
    await q.query(`
      create table ledger.accounts (
        id                              uuid primary key,
        currency                        char(3) not null,
        normal_side                     text not null check (normal_side in ('debit', 'credit')),
        debits_must_not_exceed_credits  boolean not null default false,
        credits_must_not_exceed_debits  boolean not null default false,
        overdraft_limit                 bigint not null default 0 check (overdraft_limit >= 0),
        status                          text not null default 'open' check (status in ('open', 'frozen', 'closed')),
        code                            int not null default 0,
        reference                       text,
        debits_pending                  bigint not null default 0 check (debits_pending >= 0),
        debits_posted                   bigint not null default 0 check (debits_posted >= 0),
        credits_pending                 bigint not null default 0 check (credits_pending >= 0),
        credits_posted                  bigint not null default 0 check (credits_posted >= 0),
        created_at                      timestamptz not null default now(),
        check (not (debits_must_not_exceed_credits and credits_must_not_exceed_debits))
      )`);
    await q.query(`
      create table ledger.transfers (
        id                 uuid primary key,
        kind               text not null check (kind in ('posted', 'pending', 'post_pending', 'void_pending', 'expire_pending')),
        debit_account_id   uuid not null,
        credit_account_id  uuid not null,
        amount             bigint not null check (amount > 0),
        currency           char(3) not null,
        pending_id         uuid,
        timeout_at         timestamptz,
        code               int not null,
        reference          text,
        fingerprint        text not null,
        created_at         timestamptz not null
      )`);
    await q.query(`
      create table ledger.postings (
        id                 bigint generated always as identity primary key,
        transfer_id        uuid not null,
        account_id         uuid not null,
        side               text not null check (side in ('debit', 'credit')),
        bucket             text not null check (bucket in ('posted', 'pending')),
        amount             bigint not null,
        balance_after      bigint not null,
        pending_after      bigint not null,
        created_at         timestamptz not null
      )`);
    // History, statements and balance-as-of all read one account's postings in ledger order
    // (postings of an account are inserted under its row lock, so id order is their order).
    await q.query('create index postings_account_idx on ledger.postings (account_id, id)');
    await q.query(`
      create table ledger.pending_transfers (
        id                 uuid primary key,
        debit_account_id   uuid not null,
        credit_account_id  uuid not null,
        amount             bigint not null,
        currency           char(3) not null,
        state              text not null default 'pending' check (state in ('pending', 'posted', 'voided', 'expired')),
        expires_at         timestamptz,
        resolved_by        uuid,
        posted_amount      bigint,
        resolved_at        timestamptz
      )`);
    await q.query(`create index pending_transfers_expiry_idx on ledger.pending_transfers (expires_at) where state = 'pending' and expires_at is not null`);
    await q.query(`create index pending_transfers_accounts_idx on ledger.pending_transfers (debit_account_id) where state = 'pending'`);
    for (const sql of appendOnlySql('ledger.transfers', 'ledger.postings')) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop schema ledger cascade');
  }
}
