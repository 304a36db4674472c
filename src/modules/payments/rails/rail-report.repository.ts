import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql } from '@platform/database/unit-of-work';
import type { Rail } from './validation/bank-details';

export interface RailFileRow {
  id: string;
  rail: Rail;
  format: string;
  entry_count: number;
  created_at: Date;
}

export interface RailNocRow {
  id: string;
  payment_id: string | null;
  beneficiary_id: string | null;
  code: string;
  corrected_fields: string[];
  received_at: Date;
  seq: string;
}

export type RailCreditStatus = 'matched' | 'credited' | 'unmatched';

export interface RailCreditRow {
  id: string;
  dedupe_key: string;
  rail: Rail;
  status: RailCreditStatus;
  amount: string;
  currency: string;
  account_id: string | null;
  payment_id: string | null;
  creditor_last4: string | null;
  details_sealed: Buffer;
  booking_date: string | null;
  bank_reference: string | null;
  unmatched_reason: string | null;
  received_at: Date;
  seq: string;
}

const CREDIT_COLUMNS = `id, dedupe_key, rail, status, amount::text amount, trim(currency) currency, account_id, payment_id, creditor_last4, details_sealed,
  to_char(booking_date, 'YYYY-MM-DD') booking_date, bank_reference, unmatched_reason, received_at, seq::text seq`;

/** What the staff routes and the report uploads read and write beside the queue: file metadata, NOCs, incoming credits. */
@Injectable()
export class RailReportRepository {
  constructor(readonly uow: UnitOfWork) {}

  /** Files, newest first, metadata only (the sealed content stays in the table). */
  async files(rail: Rail | undefined, beforeId: string | null, limit: number): Promise<RailFileRow[]> {
    const { rows } = await this.uow.query<RailFileRow>(
      `select id, rail, format, entry_count, created_at from payments.rail_files
        where ($1::text is null or rail = $1)
          and ($2::uuid is null or (created_at, id) < (select created_at, id from payments.rail_files where id = $2))
        order by created_at desc, id desc limit $3`,
      [rail ?? null, beforeId, limit],
    );
    return rows;
  }

  async sealedFile(id: string): Promise<(RailFileRow & { sealed: Buffer }) | null> {
    const { rows } = await this.uow.query<RailFileRow & { sealed: Buffer }>(
      'select id, rail, format, entry_count, created_at, sealed from payments.rail_files where id = $1',
      [id],
    );
    return rows[0] ?? null;
  }

  /** Records a notification of change once (its id is the NOC's trace and the entry it corrects). */
  async recordNoc(
    noc: { id: string; paymentId: string | null; beneficiaryId: string | null; code: string; originalTrace: string; fields: string[]; sealed: Buffer },
    sql: Sql = this.uow,
  ): Promise<boolean> {
    const { rows } = await sql.query(
      `insert into payments.rail_nocs (id, payment_id, beneficiary_id, code, original_trace, corrected_fields, corrected_sealed)
       values ($1, $2, $3, $4, $5, $6, $7) on conflict (id) do nothing returning id`,
      [noc.id, noc.paymentId, noc.beneficiaryId, noc.code, noc.originalTrace, noc.fields, noc.sealed],
    );
    return rows.length > 0;
  }

  async nocs(afterSeq: string | null, limit: number): Promise<RailNocRow[]> {
    const { rows } = await this.uow.query<RailNocRow>(
      `select id, payment_id, beneficiary_id, code, corrected_fields, received_at, seq::text seq from payments.rail_nocs
        where ($1::bigint is null or seq < $1) order by seq desc limit $2`,
      [afterSeq, limit],
    );
    return rows;
  }

  /** Keeps a credit once per dedupe key; answers the stored row (the first reading wins). */
  async keepCredit(
    c: {
      id: string;
      dedupeKey: string;
      rail: Rail;
      status: RailCreditStatus;
      amount: bigint;
      currency: string;
      accountId: string | null;
      paymentId: string | null;
      creditorLast4: string | null;
      detailsSealed: Buffer;
      bookingDate: string | null;
      bankReference: string | null;
      unmatchedReason: string | null;
    },
    sql: Sql = this.uow,
  ): Promise<{ row: RailCreditRow; inserted: boolean }> {
    const { rows } = await sql.query<RailCreditRow>(
      `insert into payments.rail_credits (id, dedupe_key, rail, status, amount, currency, account_id, payment_id, creditor_last4, details_sealed,
                                          booking_date, bank_reference, unmatched_reason)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) on conflict (dedupe_key) do nothing returning ${CREDIT_COLUMNS}`,
      [
        c.id,
        c.dedupeKey,
        c.rail,
        c.status,
        c.amount.toString(),
        c.currency,
        c.accountId,
        c.paymentId,
        c.creditorLast4,
        c.detailsSealed,
        c.bookingDate,
        c.bankReference,
        c.unmatchedReason,
      ],
    );
    if (rows[0]) return { row: rows[0], inserted: true };
    const existing = await sql.query<RailCreditRow>(`select ${CREDIT_COLUMNS} from payments.rail_credits where dedupe_key = $1`, [c.dedupeKey]);
    return { row: existing.rows[0]!, inserted: false };
  }

  async markCredited(id: string, sql: Sql = this.uow): Promise<void> {
    await sql.query("update payments.rail_credits set status = 'credited', updated_at = now() where id = $1", [id]);
  }

  /** Matched credits whose pay-in is not recorded yet (a crash between the ledger and the row): the job finishes them. */
  async matchedNotCredited(limit: number): Promise<RailCreditRow[]> {
    const { rows } = await this.uow.query<RailCreditRow>(
      `select ${CREDIT_COLUMNS} from payments.rail_credits where status = 'matched' and updated_at < now() - interval '1 minute' order by seq limit $1`,
      [limit],
    );
    return rows;
  }

  async credits(status: RailCreditStatus | undefined, beforeSeq: string | null, limit: number): Promise<RailCreditRow[]> {
    const { rows } = await this.uow.query<RailCreditRow>(
      `select ${CREDIT_COLUMNS} from payments.rail_credits
        where ($1::text is null or status = $1) and ($2::bigint is null or seq < $2) order by seq desc limit $3`,
      [status ?? null, beforeSeq, limit],
    );
    return rows;
  }
}
