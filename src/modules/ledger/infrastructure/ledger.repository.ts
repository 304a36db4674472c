import { Injectable } from '@nestjs/common';
import type { Tx } from '@platform/database/unit-of-work';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { LedgerState, BatchResult } from '../domain/ledger-engine';
import type { LedgerAccountView, PostingPageView, TransferView } from '../contract';
import {
  ACCOUNT_COLUMNS,
  TRANSFER_COLUMNS,
  accountState,
  accountView,
  pendingOf,
  postingView,
  transferOf,
  transferView,
  type AccountRow,
  type PendingRow,
  type PostingRow,
  type TransferRow,
} from './ledger-rows';

export interface BatchKeys {
  readonly transferIds: readonly string[];
  readonly accountIds: readonly string[];
  readonly pendingIds: readonly string[];
}

/** The ledger's SQL: set-based, a handful of statements per batch whatever its size. */
@Injectable()
export class LedgerRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /**
   * Locks and loads what a batch can touch. Lock order is fixed — pending transfers, then
   * accounts, each by id — so concurrent batches (other pods) never deadlock.
   */
  async loadForBatch(tx: Tx, keys: BatchKeys): Promise<LedgerState> {
    const pendings = new Map<string, ReturnType<typeof pendingOf>>();
    const accountIds = new Set(keys.accountIds);
    if (keys.pendingIds.length) {
      const { rows } = await tx.query<PendingRow>(
        `select id, debit_account_id, credit_account_id, amount, currency, state, expires_at, resolved_by, posted_amount
         from ledger.pending_transfers where id = any($1::uuid[]) order by id for update`,
        [keys.pendingIds],
      );
      for (const row of rows) {
        pendings.set(row.id, pendingOf(row));
        accountIds.add(row.debit_account_id).add(row.credit_account_id);
      }
    }
    const accounts = await tx.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from ledger.accounts where id = any($1::uuid[]) order by id for update`, [
      [...accountIds],
    ]);
    const existing = await tx.query<TransferRow>(`select ${TRANSFER_COLUMNS} from ledger.transfers where id = any($1::uuid[])`, [keys.transferIds]);
    return {
      accounts: new Map(accounts.rows.map((r) => [r.id, accountState(r)])),
      pendings,
      transfers: new Map(existing.rows.map((r) => [r.id, transferOf(r)])),
    };
  }

  /** Writes a batch's effects in one statement; returns each new transfer's commit timestamp. */
  async writeBatch(tx: Tx, state: LedgerState, result: BatchResult): Promise<Map<string, number>> {
    if (result.created.length === 0) return new Map();
    const transfers = result.created.map((c) => c.transfer);
    const postings = result.created.flatMap((c) => c.postings);
    const accounts = [...result.changedAccounts].map((id) => state.accounts.get(id)!);
    const newPendingIds = new Set(result.newPendings.map((p) => p.id));
    // A hold created and resolved in the same batch is inserted in its final state: the
    // statement's parts cannot see each other's rows.
    const resolved = result.resolvedPendings.filter((p) => !newPendingIds.has(p.id));
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

    const { rows } = await tx.query<{ id: string; created_at: Date }>(
      `with t as (
         insert into ledger.transfers (id, kind, debit_account_id, credit_account_id, amount, currency, pending_id, timeout_at, code, reference, fingerprint, created_at)
         select u.id, u.kind, u.d, u.c, u.amount, u.currency, u.pending_id, u.timeout_at, u.code, u.reference, u.fingerprint, clock_timestamp()
         from unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::bigint[], $6::text[], $7::uuid[], $8::timestamptz[], $9::int[], $10::text[], $11::text[])
              with ordinality as u(id, kind, d, c, amount, currency, pending_id, timeout_at, code, reference, fingerprint, n)
         order by u.n
         returning id, created_at
       ), p as (
         insert into ledger.postings (transfer_id, account_id, side, bucket, amount, balance_after, pending_after, created_at)
         select u.transfer_id, u.account_id, u.side, u.bucket, u.amount, u.balance_after, u.pending_after, clock_timestamp()
         from unnest($12::uuid[], $13::uuid[], $14::text[], $15::text[], $16::bigint[], $17::bigint[], $18::bigint[])
              with ordinality as u(transfer_id, account_id, side, bucket, amount, balance_after, pending_after, n)
         order by u.n
       ), a as (
         update ledger.accounts acc
            set debits_pending = u.dp, debits_posted = u.dpo, credits_pending = u.cp, credits_posted = u.cpo
           from unnest($19::uuid[], $20::bigint[], $21::bigint[], $22::bigint[], $23::bigint[]) as u(id, dp, dpo, cp, cpo)
          where acc.id = u.id
       ), np as (
         insert into ledger.pending_transfers (id, debit_account_id, credit_account_id, amount, currency, expires_at, state, resolved_by, posted_amount, resolved_at)
         select u.id, u.d, u.c, u.amount, u.currency, u.expires_at, u.state, u.resolved_by, u.posted_amount,
                case when u.state = 'pending' then null else clock_timestamp() end
         from unnest($24::uuid[], $25::uuid[], $26::uuid[], $27::bigint[], $28::text[], $29::timestamptz[], $30::text[], $31::uuid[], $32::bigint[])
              as u(id, d, c, amount, currency, expires_at, state, resolved_by, posted_amount)
       ), rp as (
         update ledger.pending_transfers pt
            set state = u.state, resolved_by = u.resolved_by, posted_amount = u.posted_amount, resolved_at = clock_timestamp()
           from unnest($33::uuid[], $34::text[], $35::uuid[], $36::bigint[]) as u(id, state, resolved_by, posted_amount)
          where pt.id = u.id
       )
       select id, created_at from t`,
      [
        transfers.map((t) => t.id),
        transfers.map((t) => t.kind),
        transfers.map((t) => t.debitAccountId),
        transfers.map((t) => t.creditAccountId),
        transfers.map((t) => t.amount.toString()),
        transfers.map((t) => t.currency),
        transfers.map((t) => t.pendingId),
        transfers.map((t) => iso(t.timeoutAt)),
        transfers.map((t) => t.code),
        transfers.map((t) => t.reference),
        transfers.map((t) => t.fingerprint),
        postings.map((p) => p.transferId),
        postings.map((p) => p.accountId),
        postings.map((p) => p.side),
        postings.map((p) => p.bucket),
        postings.map((p) => p.amount.toString()),
        postings.map((p) => p.balanceAfter.toString()),
        postings.map((p) => p.pendingAfter.toString()),
        accounts.map((a) => a.id),
        accounts.map((a) => a.debitsPending.toString()),
        accounts.map((a) => a.debitsPosted.toString()),
        accounts.map((a) => a.creditsPending.toString()),
        accounts.map((a) => a.creditsPosted.toString()),
        result.newPendings.map((p) => p.id),
        result.newPendings.map((p) => p.debitAccountId),
        result.newPendings.map((p) => p.creditAccountId),
        result.newPendings.map((p) => p.amount.toString()),
        result.newPendings.map((p) => p.currency),
        result.newPendings.map((p) => iso(p.expiresAt)),
        result.newPendings.map((p) => p.state),
        result.newPendings.map((p) => p.resolvedBy),
        result.newPendings.map((p) => p.postedAmount?.toString() ?? null),
        resolved.map((p) => p.id),
        resolved.map((p) => p.state),
        resolved.map((p) => p.resolvedBy),
        resolved.map((p) => p.postedAmount?.toString() ?? null),
      ],
    );
    return new Map(rows.map((r) => [r.id, r.created_at.getTime()]));
  }

  async createAccount(
    tx: Tx,
    a: {
      id: string;
      currency: string;
      normalSide: 'debit' | 'credit';
      debitsMustNotExceedCredits: boolean;
      creditsMustNotExceedDebits: boolean;
      overdraftLimit: bigint;
      code: number;
      reference: string | null;
    },
  ): Promise<{ created: boolean; row: AccountRow }> {
    const inserted = await tx.query<AccountRow>(
      `insert into ledger.accounts (id, currency, normal_side, debits_must_not_exceed_credits, credits_must_not_exceed_debits, overdraft_limit, code, reference)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (id) do nothing returning ${ACCOUNT_COLUMNS}`,
      [a.id, a.currency, a.normalSide, a.debitsMustNotExceedCredits, a.creditsMustNotExceedDebits, a.overdraftLimit.toString(), a.code, a.reference],
    );
    if (inserted.rows[0]) return { created: true, row: inserted.rows[0] };
    const { rows } = await tx.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from ledger.accounts where id = $1`, [a.id]);
    return { created: false, row: rows[0]! };
  }

  async lockAccount(tx: Tx, id: string): Promise<AccountRow | undefined> {
    const { rows } = await tx.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from ledger.accounts where id = $1 for update`, [id]);
    return rows[0];
  }

  async updateAccount(tx: Tx, id: string, change: { status: string; overdraftLimit: bigint }): Promise<AccountRow> {
    const { rows } = await tx.query<AccountRow>(`update ledger.accounts set status = $2, overdraft_limit = $3 where id = $1 returning ${ACCOUNT_COLUMNS}`, [
      id,
      change.status,
      change.overdraftLimit.toString(),
    ]);
    return rows[0]!;
  }

  async accounts(ids: readonly string[]): Promise<LedgerAccountView[]> {
    const { rows } = await this.uow.query<AccountRow>(`select ${ACCOUNT_COLUMNS} from ledger.accounts where id = any($1::uuid[])`, [ids]);
    return rows.map(accountView);
  }

  async transfer(id: string): Promise<TransferView | null> {
    const { rows } = await this.uow.query<TransferRow>(`select ${TRANSFER_COLUMNS} from ledger.transfers where id = $1`, [id]);
    return rows[0] ? transferView(transferOf(rows[0])) : null;
  }

  async postings(accountId: string, o: { from?: string; to?: string; bucket?: string; cursor?: string; limit: number }): Promise<PostingPageView> {
    const { rows } = await this.uow.query<PostingRow>(
      `select id, transfer_id, account_id, side, bucket, amount, balance_after, pending_after, created_at
         from ledger.postings
        where account_id = $1
          and ($2::timestamptz is null or created_at >= $2)
          and ($3::timestamptz is null or created_at < $3)
          and ($4::text is null or bucket = $4)
          and ($5::bigint is null or id > $5)
        order by id
        limit $6`,
      [accountId, o.from ?? null, o.to ?? null, o.bucket ?? null, o.cursor ?? null, o.limit + 1],
    );
    const items = rows.slice(0, o.limit).map(postingView);
    return { items, nextCursor: rows.length > o.limit ? items[items.length - 1]!.sequence : null };
  }

  /** The balances after the last posting at or before `asOf` (zero before the first). */
  async balanceAsOf(accountId: string, asOf: string): Promise<{ posted: string; pending: string } | null> {
    const { rows } = await this.uow.query<{ exists: boolean; balance_after: string | null; pending_after: string | null }>(
      `select exists (select 1 from ledger.accounts where id = $1) as exists, p.balance_after, p.pending_after
         from (select 1) one
         left join lateral (
           select balance_after, pending_after from ledger.postings
            where account_id = $1 and created_at <= $2 order by id desc limit 1
         ) p on true`,
      [accountId, asOf],
    );
    const row = rows[0]!;
    if (!row.exists) return null;
    return { posted: row.balance_after ?? '0', pending: row.pending_after ?? '0' };
  }

  /** Timed-out holds still pending, oldest first. */
  async expiredPendingIds(now: number, limit: number): Promise<string[]> {
    const { rows } = await this.uow.query<{ id: string }>(
      `select id from ledger.pending_transfers where state = 'pending' and expires_at <= $1 order by expires_at limit $2`,
      [new Date(now).toISOString(), limit],
    );
    return rows.map((r) => r.id);
  }
}
