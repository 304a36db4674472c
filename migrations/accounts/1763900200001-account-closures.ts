import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The closure workflow's own state: where the balance goes and who asked. The sweep's
 * progress is not stored here: its transfers have ids derived from the account id, so the
 * ledger itself says which sweeps already happened (see ADR 0010).
 */
export class AccountClosures1763900200001 implements MigrationInterface {
  name = 'AccountClosures1763900200001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table accounts.closures (
        account_id           uuid primary key references accounts.accounts (id),
        sweep_to_account_id  uuid references accounts.accounts (id),
        requested_by         text not null,
        swept_amount         bigint,
        started_at           timestamptz not null default now(),
        completed_at         timestamptz,
        check (sweep_to_account_id is distinct from account_id)
      )`);
    // The resume job looks for workflows a crash left half-way.
    await q.query(`create index accounts_unfinished_idx on accounts.accounts (updated_at) where status in ('pending', 'closing')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index accounts.accounts_unfinished_idx');
    await q.query('drop table accounts.closures');
  }
}
