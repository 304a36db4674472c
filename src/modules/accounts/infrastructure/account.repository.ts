import { Injectable } from '@nestjs/common';
import { UnitOfWork, type QueryOutcome } from '../../../platform/database/unit-of-work';
import type { AccountProduct, AccountStatus } from '../domain/account';

/** Anything that runs SQL: a transaction (Tx) or the pool (UnitOfWork). */
export interface Sql {
  query<R extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryOutcome<R>>;
}

/** One row of accounts.accounts. Money (overdraftLimit) is bigint minor units. */
export interface AccountRecord {
  readonly id: string;
  readonly ownerId: string;
  readonly product: AccountProduct;
  readonly currency: string;
  readonly ledgerAccountId: string;
  readonly accountNumber: string;
  readonly iban: string | null;
  readonly status: AccountStatus;
  readonly overdraftLimit: bigint;
  readonly openedAt: Date | null;
  readonly closedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface AccountRow extends Record<string, unknown> {
  id: string;
  owner_id: string;
  product: AccountProduct;
  currency: string;
  ledger_account_id: string;
  account_number: string;
  iban: string | null;
  status: AccountStatus;
  overdraft_limit: string;
  opened_at: Date | null;
  closed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, owner_id, product, currency, ledger_account_id, account_number, iban, status, overdraft_limit, opened_at, closed_at, created_at, updated_at`;

function recordOf(row: AccountRow): AccountRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    product: row.product,
    currency: row.currency,
    ledgerAccountId: row.ledger_account_id,
    accountNumber: row.account_number,
    iban: row.iban,
    status: row.status,
    overdraftLimit: BigInt(row.overdraft_limit),
    openedAt: row.opened_at,
    closedAt: row.closed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The accounts table (SQL only). Reads default to the pool; pass a Tx to read inside a transaction. */
@Injectable()
export class AccountRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async findById(id: string, sql: Sql = this.uow): Promise<AccountRecord | null> {
    const { rows } = await sql.query<AccountRow>(`select ${COLUMNS} from accounts.accounts where id = $1`, [id]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** Locks the row for the rest of the transaction: status changes are serialised per account. */
  async findByIdForUpdate(sql: Sql, id: string): Promise<AccountRecord | null> {
    const { rows } = await sql.query<AccountRow>(`select ${COLUMNS} from accounts.accounts where id = $1 for update`, [id]);
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** The owner's accounts, oldest first (closed ones included). */
  async findByOwner(ownerId: string, sql: Sql = this.uow): Promise<AccountRecord[]> {
    const { rows } = await sql.query<AccountRow>(`select ${COLUMNS} from accounts.accounts where owner_id = $1 order by created_at, id`, [ownerId]);
    return rows.map(recordOf);
  }

  async findByLedgerAccountId(ledgerAccountId: string, sql: Sql = this.uow): Promise<AccountRecord | null> {
    const { rows } = await sql.query<AccountRow>(`select ${COLUMNS} from accounts.accounts where ledger_account_id = $1`, [ledgerAccountId]);
    return rows[0] ? recordOf(rows[0]) : null;
  }
}
