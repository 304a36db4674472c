import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql } from '@platform/database/unit-of-work';
import type { Rail } from './validation/bank-details';

export type RailPayoutStatus = 'queued' | 'submitted' | 'settled' | 'failed' | 'returned';

export interface RailPayoutRow {
  payment_id: string;
  rail: Rail;
  amount: string;
  currency: string;
  beneficiary_sealed: Buffer;
  description: string | null;
  status: RailPayoutStatus;
  file_id: string | null;
  reference: string | null;
  effective_date: string | null;
  failure_code: string | null;
}

/** The SQL of the rails' queue (payments.rail_payouts) and their files (payments.rail_files). */
@Injectable()
export class RailPayoutRepository {
  constructor(readonly uow: UnitOfWork) {}

  /** Queues a payout once: a retry of the same payment finds the row already there. */
  async enqueue(row: {
    paymentId: string;
    rail: Rail;
    amount: bigint;
    currency: string;
    beneficiarySealed: Buffer;
    description: string | null;
  }): Promise<RailPayoutRow> {
    await this.uow.query(
      `insert into payments.rail_payouts (payment_id, rail, amount, currency, beneficiary_sealed, description)
       values ($1, $2, $3, $4, $5, $6) on conflict (payment_id) do nothing`,
      [row.paymentId, row.rail, row.amount.toString(), row.currency, row.beneficiarySealed, row.description],
    );
    return (await this.find(row.paymentId))!;
  }

  async find(paymentId: string, sql: Sql = this.uow): Promise<RailPayoutRow | null> {
    const { rows } = await sql.query<RailPayoutRow>(
      "select *, to_char(effective_date, 'YYYY-MM-DD') effective_date from payments.rail_payouts where payment_id = $1",
      [paymentId],
    );
    return rows[0] ?? null;
  }

  async byReference(rail: Rail, reference: string, sql: Sql = this.uow): Promise<RailPayoutRow | null> {
    const { rows } = await sql.query<RailPayoutRow>(
      "select *, to_char(effective_date, 'YYYY-MM-DD') effective_date from payments.rail_payouts where rail = $1 and reference = $2 for update",
      [rail, reference],
    );
    return rows[0] ?? null;
  }

  async ofFile(fileId: string, sql: Sql): Promise<RailPayoutRow[]> {
    const { rows } = await sql.query<RailPayoutRow>(
      "select *, to_char(effective_date, 'YYYY-MM-DD') effective_date from payments.rail_payouts where file_id = $1 order by payment_id for update",
      [fileId],
    );
    return rows;
  }

  /** The oldest queued payouts of a rail, locked (another builder skips them). */
  async claimQueued(rail: Rail, limit: number, sql: Sql): Promise<RailPayoutRow[]> {
    const { rows } = await sql.query<RailPayoutRow>(
      `select *, to_char(effective_date, 'YYYY-MM-DD') effective_date from payments.rail_payouts
        where rail = $1 and status = 'queued' order by queued_at, payment_id limit $2 for update skip locked`,
      [rail, limit],
    );
    return rows;
  }

  /**
   * Where the next ACH file starts, for the builder holding the transaction: one ACH file is
   * built at a time (an advisory lock), its trace numbers continue after the highest one
   * given so far, and its file id modifier (A-Z, 0-9) follows the files of the UTC day.
   */
  async nextAchFile(sql: Sql): Promise<{ firstTraceSequence: number; fileIdModifier: string }> {
    await sql.query("select pg_advisory_xact_lock(hashtextextended('payments:ach-file', 0))");
    const { rows } = await sql.query<{ last: string; today: string }>(
      `select coalesce((select max(right(reference, 7)::bigint) from payments.rail_payouts where rail = 'ach' and reference is not null), 0)::text last,
              (select count(*) from payments.rail_files where rail = 'ach' and created_at >= date_trunc('day', now() at time zone 'utc') at time zone 'utc')::text today`,
    );
    const modifiers = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
    return { firstTraceSequence: Number(rows[0]!.last) + 1, fileIdModifier: modifiers[Number(rows[0]!.today) % modifiers.length]! };
  }

  async insertFile(file: { id: string; rail: Rail; format: string; entryCount: number; sealed: Buffer }, sql: Sql): Promise<void> {
    await sql.query('insert into payments.rail_files (id, rail, format, entry_count, sealed) values ($1, $2, $3, $4, $5)', [
      file.id,
      file.rail,
      file.format,
      file.entryCount,
      file.sealed,
    ]);
  }

  async markSubmitted(paymentId: string, fileId: string, reference: string, effectiveDate: string | null, sql: Sql): Promise<void> {
    await sql.query(
      "update payments.rail_payouts set status = 'submitted', file_id = $2, reference = $3, effective_date = $4, updated_at = now() where payment_id = $1",
      [paymentId, fileId, reference, effectiveDate],
    );
  }

  async setStatus(paymentId: string, status: RailPayoutStatus, failureCode: string | null, sql: Sql): Promise<void> {
    await sql.query('update payments.rail_payouts set status = $2, failure_code = coalesce($3, failure_code), updated_at = now() where payment_id = $1', [
      paymentId,
      status,
      failureCode,
    ]);
  }

  /** Submitted ACH payouts whose effective entry date is before `date`, locked. */
  async dueForSettlement(rail: Rail, date: string, sql: Sql): Promise<RailPayoutRow[]> {
    const { rows } = await sql.query<RailPayoutRow>(
      `select *, to_char(effective_date, 'YYYY-MM-DD') effective_date from payments.rail_payouts
        where rail = $1 and status = 'submitted' and effective_date < $2::date order by payment_id for update skip locked`,
      [rail, date],
    );
    return rows;
  }
}
