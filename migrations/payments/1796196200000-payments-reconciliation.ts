import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reconciliation of the providers' settlement reports (docs/reconciliation.md): each run
 * (connector and window), the report lines it read (ids, references and amounts only), the
 * mismatches found (unique per connector, kind and subject, so a rerun adds none), and per
 * connector how far the scheduled runs got. No personal data: references, ids, amounts.
 */
export class PaymentsReconciliation1796196200000 implements MigrationInterface {
  name = 'PaymentsReconciliation1796196200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table payments.reconciliation_runs (
        id           uuid primary key,
        seq          bigint generated always as identity unique,
        connector    text not null,
        window_from  timestamptz not null,
        window_to    timestamptz not null,
        trigger      text not null check (trigger in ('schedule', 'staff')),
        state        text not null check (state in ('running', 'completed', 'failed')),
        lines        integer not null default 0,
        matched      integer not null default 0,
        mismatches   integer not null default 0,
        new_mismatches integer not null default 0,
        error_code   text,
        started_at   timestamptz not null default now(),
        finished_at  timestamptz,
        check (window_from < window_to)
      )`);
    await q.query('create index reconciliation_runs_connector on payments.reconciliation_runs (connector, seq desc)');
    await q.query(`
      create table payments.reconciliation_lines (
        connector          text not null,
        line_id            text not null,
        run_id             uuid not null references payments.reconciliation_runs (id),
        kind               text not null check (kind in ('charge', 'refund', 'payout', 'fee', 'adjustment')),
        provider_type      text not null,
        provider_reference text not null,
        payment_id         uuid,
        refund_id          uuid,
        gross              bigint not null,
        fee                bigint not null,
        net                bigint not null,
        currency           text not null,
        occurred_at        timestamptz not null,
        primary key (connector, line_id)
      )`);
    await q.query('create index reconciliation_lines_payment on payments.reconciliation_lines (payment_id) where payment_id is not null');
    await q.query(`
      create table payments.reconciliation_mismatches (
        id                 uuid primary key,
        seq                bigint generated always as identity unique,
        run_id             uuid not null references payments.reconciliation_runs (id),
        connector          text not null,
        kind               text not null,
        subject_key        text not null,
        line_id            text,
        provider_reference text,
        payment_id         uuid,
        refund_id          uuid,
        currency           text not null,
        expected_amount    bigint,
        actual_amount      bigint,
        detail             text not null,
        state              text not null default 'open' check (state in ('open', 'resolved')),
        resolution_note    text,
        resolved_by        text,
        resolved_at        timestamptz,
        detected_at        timestamptz not null default now(),
        unique (connector, kind, subject_key)
      )`);
    await q.query('create index reconciliation_mismatches_state on payments.reconciliation_mismatches (state, seq desc)');
    await q.query(`
      create table payments.reconciliation_cursors (
        connector         text primary key,
        reconciled_until  timestamptz not null,
        lease_until       timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table payments.reconciliation_cursors');
    await q.query('drop table payments.reconciliation_mismatches');
    await q.query('drop table payments.reconciliation_lines');
    await q.query('drop table payments.reconciliation_runs');
  }
}
