import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { Sql } from '@platform/database/unit-of-work';
import type { StatementFormat, StatementKind } from '../domain/statement';
import type { RenderedStatement } from './statement-renderers';

export interface StoredStatementRecord {
  readonly id: string;
  readonly accountId: string;
  readonly kind: StatementKind;
  readonly periodFrom: Date;
  readonly periodTo: Date;
  readonly openingBalance: bigint;
  readonly closingBalance: bigint;
  readonly postingCount: number;
  readonly issuedAt: Date;
  readonly documents: readonly { format: StatementFormat; sha256: string }[];
}

interface StatementRow extends Record<string, unknown> {
  id: string;
  account_id: string;
  kind: StatementKind;
  period_from: Date;
  period_to: Date;
  opening_balance: string;
  closing_balance: string;
  posting_count: number;
  issued_at: Date;
  documents: { format: StatementFormat; sha256: string }[];
}

const SELECT = `
  select s.id, s.account_id, s.kind, s.period_from, s.period_to, s.opening_balance, s.closing_balance, s.posting_count, s.issued_at,
         coalesce((select json_agg(json_build_object('format', d.format, 'sha256', d.sha256) order by d.format)
                     from accounts.statement_documents d where d.statement_id = s.id), '[]') as documents
    from accounts.statements s`;

const recordOf = (r: StatementRow): StoredStatementRecord => ({
  id: r.id,
  accountId: r.account_id,
  kind: r.kind,
  periodFrom: r.period_from,
  periodTo: r.period_to,
  openingBalance: BigInt(r.opening_balance),
  closingBalance: BigInt(r.closing_balance),
  postingCount: r.posting_count,
  issuedAt: r.issued_at,
  documents: r.documents,
});

export interface NewStatement {
  readonly id: string;
  readonly accountId: string;
  readonly kind: StatementKind;
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly openingBalance: bigint;
  readonly closingBalance: bigint;
  readonly postingCount: number;
  readonly requestedBy: string;
  readonly issuedAt: string;
}

/** Stored statements and their rendered documents (append-only: ADR 0012). */
@Injectable()
export class StatementRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Stores a statement with its documents; false when a monthly statement for that
   * period, or the final one, exists already (nothing is written then).
   */
  async insert(sql: Sql, s: NewStatement, documents: readonly RenderedStatement[]): Promise<boolean> {
    const { rowCount } = await sql.query(
      `insert into accounts.statements (id, account_id, kind, period_from, period_to, opening_balance, closing_balance, posting_count, requested_by, issued_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) on conflict do nothing`,
      [
        s.id,
        s.accountId,
        s.kind,
        s.periodFrom,
        s.periodTo,
        s.openingBalance.toString(),
        s.closingBalance.toString(),
        s.postingCount,
        s.requestedBy,
        s.issuedAt,
      ],
    );
    if (rowCount === 0) return false;
    await sql.query(
      `insert into accounts.statement_documents (statement_id, format, content, sha256)
       select $1, u.format, u.content, u.sha256 from unnest($2::text[], $3::bytea[], $4::text[]) as u(format, content, sha256)`,
      [s.id, documents.map((d) => d.format), documents.map((d) => d.content), documents.map((d) => d.sha256)],
    );
    return true;
  }

  async find(accountId: string, id: string): Promise<StoredStatementRecord | null> {
    const { rows } = await this.uow.query<StatementRow>(`${SELECT} where s.account_id = $1 and s.id = $2`, [accountId, id]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  async findMonthly(accountId: string, periodFrom: string): Promise<StoredStatementRecord | null> {
    const { rows } = await this.uow.query<StatementRow>(`${SELECT} where s.account_id = $1 and s.kind = 'monthly' and s.period_from = $2`, [
      accountId,
      periodFrom,
    ]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  async findFinal(accountId: string): Promise<StoredStatementRecord | null> {
    const { rows } = await this.uow.query<StatementRow>(`${SELECT} where s.account_id = $1 and s.kind = 'final'`, [accountId]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** Newest first. */
  async list(accountId: string): Promise<StoredStatementRecord[]> {
    const { rows } = await this.uow.query<StatementRow>(`${SELECT} where s.account_id = $1 order by s.issued_at desc, s.id desc`, [accountId]);
    return rows.map(recordOf);
  }

  /** End of the last monthly statement's period (where the next statement starts), or null. */
  async lastMonthlyEnd(accountId: string): Promise<Date | null> {
    const { rows } = await this.uow.query<{ period_to: Date | null }>(
      `select max(period_to) as period_to from accounts.statements where account_id = $1 and kind = 'monthly'`,
      [accountId],
    );
    return rows[0]?.period_to ?? null;
  }

  /** A stored statement's bytes in one format; null unless the statement is this account's. */
  async document(accountId: string, statementId: string, format: StatementFormat): Promise<Buffer | null> {
    const { rows } = await this.uow.query<{ content: Buffer }>(
      `select d.content from accounts.statement_documents d join accounts.statements s on s.id = d.statement_id
        where s.account_id = $1 and d.statement_id = $2 and d.format = $3`,
      [accountId, statementId, format],
    );
    return rows[0]?.content ?? null;
  }

  /** Active and frozen accounts opened before `before` (the monthly statement job's population). */
  async accountsOpenBefore(before: string): Promise<string[]> {
    const { rows } = await this.uow.query<{ id: string }>(
      `select id from accounts.accounts where status in ('active', 'frozen') and opened_at < $1 order by id`,
      [before],
    );
    return rows.map((r) => r.id);
  }
}
