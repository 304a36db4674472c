import type { MigrationInterface, QueryRunner } from 'typeorm';
import { contextSchemaSql } from '@platform/database/context-schema';

/**
 * Customer accounts. Each row is a customer-facing product (checking, savings) backed by
 * exactly one ledger account; balances live in the ledger only, never here. The columns of
 * accounts.accounts are a contract with the statements and interest features: add columns
 * in later migrations, do not rename or drop these.
 */
export class AccountsSchema1763900200000 implements MigrationInterface {
  name = 'AccountsSchema1763900200000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of contextSchemaSql('accounts')) await q.query(sql);
    await q.query(`
      create table accounts.accounts (
        id                 uuid primary key,
        owner_id           uuid not null,
        product            text not null check (product in ('checking', 'savings')),
        currency           char(3) not null,
        ledger_account_id  uuid not null unique,
        account_number     text not null unique,
        iban               text unique,
        status             text not null default 'pending' check (status in ('pending', 'active', 'frozen', 'closing', 'closed')),
        overdraft_limit    bigint not null default 0 check (overdraft_limit >= 0),
        opened_at          timestamptz,
        closed_at          timestamptz,
        created_at         timestamptz not null default now(),
        updated_at         timestamptz not null default now(),
        check (product = 'checking' or overdraft_limit = 0),
        check ((status = 'closed') = (closed_at is not null))
      )`);
    await q.query('create index accounts_owner_idx on accounts.accounts (owner_id, created_at, id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop schema accounts cascade');
  }
}
