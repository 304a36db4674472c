import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql } from '@platform/database/unit-of-work';
import type { AccountProduct, AccountStatus } from '../domain/account';
import type { AccountView } from '../contract';

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

export interface NewAccount {
  readonly id: string;
  readonly ownerId: string;
  readonly product: AccountProduct;
  readonly currency: string;
  readonly ledgerAccountId: string;
  readonly accountNumber: string;
  readonly iban: string | null;
  readonly overdraftLimit: bigint;
}

export interface ClosureRecord {
  readonly accountId: string;
  readonly sweepToAccountId: string | null;
  readonly requestedBy: string;
  readonly sweptAmount: bigint | null;
  readonly completedAt: Date | null;
}

export function accountView(a: AccountRecord): AccountView {
  return {
    id: a.id,
    ownerId: a.ownerId,
    product: a.product,
    currency: a.currency,
    accountNumber: a.accountNumber,
    iban: a.iban,
    status: a.status,
    overdraftLimit: a.overdraftLimit.toString(),
    ledgerAccountId: a.ledgerAccountId,
    openedAt: a.openedAt?.toISOString() ?? null,
    closedAt: a.closedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
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

  /** The account with this ten-digit number or this IBAN (electronic format), or null. */
  async findByNumber(by: { accountNumber: string } | { iban: string }, sql: Sql = this.uow): Promise<AccountRecord | null> {
    const [column, value] = 'iban' in by ? ['iban', by.iban] : ['account_number', by.accountNumber];
    const { rows } = await sql.query<AccountRow>(`select ${COLUMNS} from accounts.accounts where ${column} = $1`, [value]);
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

  /** Accounts of these ledger accounts (the balance-change consumer maps ledger events back). */
  async findByLedgerAccountIds(sql: Sql, ledgerAccountIds: readonly string[]): Promise<AccountRecord[]> {
    const { rows } = await sql.query<AccountRow>(`select ${COLUMNS} from accounts.accounts where ledger_account_id = any($1::uuid[])`, [ledgerAccountIds]);
    return rows.map(recordOf);
  }

  /** Workflows a crash left half-way: openings still pending, closures still closing. */
  async findUnfinished(olderThanSeconds: number, limit: number): Promise<AccountRecord[]> {
    const { rows } = await this.uow.query<AccountRow>(
      `select ${COLUMNS} from accounts.accounts
       where status in ('pending', 'closing') and updated_at < now() - $1 * interval '1 second'
       order by updated_at limit $2`,
      [olderThanSeconds, limit],
    );
    return rows.map(recordOf);
  }

  /** Inserts a pending account; null when one with this id exists already (a retried opening with the same key). */
  async insertIfAbsent(sql: Sql, a: NewAccount): Promise<AccountRecord | null> {
    const { rows } = await sql.query<AccountRow>(
      `insert into accounts.accounts (id, owner_id, product, currency, ledger_account_id, account_number, iban, status, overdraft_limit)
       values ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)
       on conflict (id) do nothing returning ${COLUMNS}`,
      [a.id, a.ownerId, a.product, a.currency, a.ledgerAccountId, a.accountNumber, a.iban, a.overdraftLimit.toString()],
    );
    return rows[0] ? recordOf(rows[0]) : null;
  }

  /** Removes an opening that never completed (still pending: nothing refers to it yet). */
  async deletePending(id: string, sql: Sql = this.uow): Promise<boolean> {
    const { rowCount } = await sql.query(`delete from accounts.accounts where id = $1 and status = 'pending'`, [id]);
    return rowCount === 1;
  }

  /** Sets the status; `active` from pending stamps opened_at, `closed` stamps closed_at. */
  async setStatus(sql: Sql, id: string, status: AccountStatus): Promise<AccountRecord> {
    const { rows } = await sql.query<AccountRow>(
      `update accounts.accounts
          set status = $2,
              opened_at = case when opened_at is null and $2 = 'active' then now() else opened_at end,
              closed_at = case when $2 = 'closed' then now() else closed_at end,
              updated_at = now()
        where id = $1 returning ${COLUMNS}`,
      [id, status],
    );
    return recordOf(rows[0]!);
  }

  async setOverdraftLimit(sql: Sql, id: string, limit: bigint): Promise<AccountRecord> {
    const { rows } = await sql.query<AccountRow>(`update accounts.accounts set overdraft_limit = $2, updated_at = now() where id = $1 returning ${COLUMNS}`, [
      id,
      limit.toString(),
    ]);
    return recordOf(rows[0]!);
  }

  async startClosure(sql: Sql, closure: { accountId: string; sweepToAccountId: string | null; requestedBy: string }): Promise<void> {
    await sql.query(`insert into accounts.closures (account_id, sweep_to_account_id, requested_by) values ($1, $2, $3) on conflict (account_id) do nothing`, [
      closure.accountId,
      closure.sweepToAccountId,
      closure.requestedBy,
    ]);
  }

  async findClosure(accountId: string, sql: Sql = this.uow): Promise<ClosureRecord | null> {
    const { rows } = await sql.query<{
      account_id: string;
      sweep_to_account_id: string | null;
      requested_by: string;
      swept_amount: string | null;
      completed_at: Date | null;
    }>('select account_id, sweep_to_account_id, requested_by, swept_amount, completed_at from accounts.closures where account_id = $1', [accountId]);
    const row = rows[0];
    return row
      ? {
          accountId: row.account_id,
          sweepToAccountId: row.sweep_to_account_id,
          requestedBy: row.requested_by,
          sweptAmount: row.swept_amount === null ? null : BigInt(row.swept_amount),
          completedAt: row.completed_at,
        }
      : null;
  }

  async completeClosure(sql: Sql, accountId: string, sweptAmount: bigint): Promise<void> {
    await sql.query('update accounts.closures set swept_amount = $2, completed_at = now() where account_id = $1', [accountId, sweptAmount.toString()]);
  }
}
