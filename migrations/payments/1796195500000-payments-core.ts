import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the payments core's jobs need beside the schema: leases and schedules on payments
 * (gateway dispatch, status sync), refunds (the provider call) and provider events (the
 * webhook queue), so two processes never work the same row at once and a restart loses
 * nothing; and whether a recorded transition was applied or refused by the state machine.
 */
export class PaymentsCore1796195500000 implements MigrationInterface {
  name = 'PaymentsCore1796195500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table payments.payments
        add column lease_until       timestamptz,
        add column next_attempt_at   timestamptz not null default now(),
        add column dispatch_attempts integer not null default 0,
        add column next_sync_at      timestamptz`);
    await q.query("create index payments_dispatch_due on payments.payments (next_attempt_at) where state = 'created'");
    await q.query("create index payments_sync_due on payments.payments (next_sync_at) where state in ('processing', 'requires_action') and review is null");
    await q.query('alter table payments.payment_transitions add column applied boolean not null default true');
    await q.query(`
      alter table payments.refunds
        add column lease_until      timestamptz,
        add column attempts         integer not null default 0,
        add column next_attempt_at  timestamptz not null default now(),
        add column failure_code     text`);
    await q.query("create index refunds_due on payments.refunds (next_attempt_at) where state in ('pending', 'processing')");
    await q.query('alter table payments.provider_events add column lease_until timestamptz');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('alter table payments.provider_events drop column lease_until');
    await q.query('drop index payments.refunds_due');
    await q.query('alter table payments.refunds drop column lease_until, drop column attempts, drop column next_attempt_at, drop column failure_code');
    await q.query('alter table payments.payment_transitions drop column applied');
    await q.query('drop index payments.payments_sync_due');
    await q.query('drop index payments.payments_dispatch_due');
    await q.query(
      'alter table payments.payments drop column lease_until, drop column next_attempt_at, drop column dispatch_attempts, drop column next_sync_at',
    );
  }
}
