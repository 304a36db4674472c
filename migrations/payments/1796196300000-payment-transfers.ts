import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Internal transfers between customers: the payee's user beside the payee's account
 * (counterparty_account_id, already in the schema), so the payee finds incoming transfers
 * among their payments without asking accounts on every read.
 */
export class PaymentTransfers1796196300000 implements MigrationInterface {
  name = 'PaymentTransfers1796196300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('alter table payments.payments add column counterparty_owner_id uuid');
    await q.query('create index payments_counterparty on payments.payments (counterparty_owner_id, seq desc) where counterparty_owner_id is not null');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop index payments.payments_counterparty');
    await q.query('alter table payments.payments drop column counterparty_owner_id');
  }
}
