import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved beneficiaries keep their account number and IBAN only sealed (AES-256-GCM under
 * PAYMENTS_BENEFICIARY_KEY, bound to the row), with the last four characters for display
 * and a keyed HMAC for equality lookup (the same account saved twice by one owner). The
 * plaintext columns go: nothing stored them yet. A sequence gives list pages a cursor;
 * a structured postal address is kept for CBPR+ (SWIFT and wires).
 *
 * The bank rails' queue: a payout a rail connector accepted waits in rail_payouts (its
 * beneficiary sealed) until the next file takes it; rail_files keep each file sent, sealed
 * too (it holds account numbers), with the reference of every payout in it (ACH trace
 * number, ISO 20022 end-to-end id) so returns and status reports find their payment.
 */
export class BeneficiaryAccountEncryption1796195400000 implements MigrationInterface {
  name = 'BeneficiaryAccountEncryption1796195400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table payments.beneficiaries
        drop column iban,
        drop column account_number,
        add column seq bigint generated always as identity unique,
        add column account_sealed bytea,
        add column account_last4 text,
        add column account_hmac bytea,
        add column address jsonb,
        add constraint beneficiaries_account_sealed check ((account_sealed is null) = (account_hmac is null) and (account_sealed is null) = (account_last4 is null))`);
    await q.query('create unique index beneficiaries_owner_account on payments.beneficiaries (owner_id, account_hmac) where deleted_at is null');
    await q.query('create index beneficiaries_owner_seq on payments.beneficiaries (owner_id, seq desc) where deleted_at is null');
    await q.query(`
      create table payments.rail_files (
        id           uuid primary key,
        rail         text not null check (rail in ('ach', 'wire', 'sepa', 'swift')),
        format       text not null,
        entry_count  integer not null check (entry_count > 0),
        sealed       bytea not null,
        created_at   timestamptz not null default now()
      )`);
    await q.query(`
      create table payments.rail_payouts (
        payment_id          uuid primary key,
        rail                text not null check (rail in ('ach', 'wire', 'sepa', 'swift')),
        amount              bigint not null check (amount > 0),
        currency            char(3) not null,
        beneficiary_sealed  bytea not null,
        description         text,
        status              text not null default 'queued' check (status in ('queued', 'submitted', 'settled', 'failed', 'returned')),
        file_id             uuid references payments.rail_files (id),
        reference           text,
        effective_date      date,
        failure_code        text,
        queued_at           timestamptz not null default now(),
        updated_at          timestamptz not null default now()
      )`);
    await q.query("create index rail_payouts_queue on payments.rail_payouts (rail, queued_at) where status = 'queued'");
    await q.query('create unique index rail_payouts_reference on payments.rail_payouts (rail, reference) where reference is not null');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table payments.rail_payouts');
    await q.query('drop table payments.rail_files');
    await q.query('drop index payments.beneficiaries_owner_seq');
    await q.query('drop index payments.beneficiaries_owner_account');
    await q.query(`
      alter table payments.beneficiaries
        drop constraint beneficiaries_account_sealed,
        drop column address,
        drop column account_hmac,
        drop column account_last4,
        drop column account_sealed,
        drop column seq,
        add column iban text,
        add column account_number text`);
  }
}
