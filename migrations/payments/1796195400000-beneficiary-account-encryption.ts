import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Saved beneficiaries keep their account number and IBAN only sealed (AES-256-GCM under
 * PAYMENTS_BENEFICIARY_KEY, bound to the row), with the last four characters for display
 * and a keyed HMAC for equality lookup (the same account saved twice by one owner). The
 * plaintext columns go: nothing stored them yet. A sequence gives list pages a cursor;
 * a structured postal address is kept for CBPR+ (SWIFT and wires).
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
  }

  async down(q: QueryRunner): Promise<void> {
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
