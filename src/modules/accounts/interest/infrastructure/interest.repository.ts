import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { AccountProduct } from '@modules/accounts/domain/account';
import type { Sql } from '@platform/database/unit-of-work';
import type { DayAccrual, RateChange } from '../domain/interest-math';

export interface InterestRateRecord extends RateChange {
  readonly product: AccountProduct;
  readonly currency: string;
  readonly createdAt: Date;
}

/** What the interest jobs need of an account (read from accounts.accounts, never written). */
export interface InterestAccount {
  readonly id: string;
  readonly ownerId: string;
  readonly product: AccountProduct;
  readonly currency: string;
  readonly ledgerAccountId: string;
  readonly openedAt: Date | null;
}

export interface CapitalisationRecord {
  readonly accountId: string;
  readonly period: string;
  readonly amount: bigint;
  readonly transferId: string;
  readonly postedAt: Date | null;
}

interface CapitalisationRow extends Record<string, unknown> {
  account_id: string;
  period: string;
  amount: string;
  transfer_id: string;
  posted_at: Date | null;
}

const capitalisationOf = (r: CapitalisationRow): CapitalisationRecord => ({
  accountId: r.account_id,
  period: r.period,
  amount: BigInt(r.amount),
  transferId: r.transfer_id,
  postedAt: r.posted_at,
});

/** Rates, daily accruals and capitalisations (SQL only; the accounts schema). */
@Injectable()
export class InterestRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async rates(filter: { product?: string; currency?: string } = {}, sql: Sql = this.uow): Promise<InterestRateRecord[]> {
    const { rows } = await sql.query<{ product: AccountProduct; currency: string; effective_from: string; annual_rate_percent: string; created_at: Date }>(
      `select product, currency, to_char(effective_from, 'YYYY-MM-DD') as effective_from, annual_rate_percent::text, created_at
         from accounts.interest_rates
        where ($1::text is null or product = $1) and ($2::text is null or currency = $2)
        order by product, currency, effective_from`,
      [filter.product ?? null, filter.currency ?? null],
    );
    // numeric::text keeps the column's 6 decimals; drop the trailing zeros for the wire.
    return rows.map((r) => ({
      product: r.product,
      currency: r.currency,
      effectiveFrom: r.effective_from,
      annualRatePercent: trimRate(r.annual_rate_percent),
      createdAt: r.created_at,
    }));
  }

  /** False when a rate for that product, currency and day exists already. */
  async addRate(rate: { product: string; currency: string; effectiveFrom: string; annualRatePercent: string; createdBy: string }): Promise<boolean> {
    const { rowCount } = await this.uow.query(
      `insert into accounts.interest_rates (product, currency, effective_from, annual_rate_percent, created_by)
       values ($1, $2, $3, $4, $5) on conflict do nothing`,
      [rate.product, rate.currency, rate.effectiveFrom, rate.annualRatePercent, rate.createdBy],
    );
    return rowCount === 1;
  }

  /** Accounts that may earn interest: open (active or frozen), of a product and currency that has a rate. */
  async interestBearingAccounts(): Promise<InterestAccount[]> {
    const { rows } = await this.uow.query<{
      id: string;
      owner_id: string;
      product: AccountProduct;
      currency: string;
      ledger_account_id: string;
      opened_at: Date | null;
    }>(
      `select a.id, a.owner_id, a.product, a.currency, a.ledger_account_id, a.opened_at
         from accounts.accounts a
        where a.status in ('active', 'frozen')
          and exists (select 1 from accounts.interest_rates r where r.product = a.product and r.currency = a.currency)
        order by a.id`,
    );
    return rows.map((r) => ({
      id: r.id,
      ownerId: r.owner_id,
      product: r.product,
      currency: r.currency,
      ledgerAccountId: r.ledger_account_id,
      openedAt: r.opened_at,
    }));
  }

  /** Serialises accrual and capitalisation of one account for the rest of the transaction (every pod runs the jobs). */
  async lockAccount(sql: Sql, accountId: string): Promise<void> {
    await sql.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`accounts.interest:${accountId}`]);
  }

  async lastAccrual(sql: Sql, accountId: string): Promise<{ day: string; cumulativeScaled: bigint } | null> {
    const { rows } = await sql.query<{ day: string; cumulative_scaled: string }>(
      `select to_char(day, 'YYYY-MM-DD') as day, cumulative_scaled::text from accounts.interest_accruals where account_id = $1 order by day desc limit 1`,
      [accountId],
    );
    return rows[0] ? { day: rows[0].day, cumulativeScaled: BigInt(rows[0].cumulative_scaled) } : null;
  }

  async insertAccruals(sql: Sql, accountId: string, accruals: readonly DayAccrual[]): Promise<number> {
    if (accruals.length === 0) return 0;
    const { rowCount } = await sql.query(
      `insert into accounts.interest_accruals (account_id, day, balance, annual_rate_percent, exact_scaled, cumulative_scaled, amount)
       select $1, u.day, u.balance, u.rate, u.exact, u.cumulative, u.amount
         from unnest($2::date[], $3::bigint[], $4::numeric[], $5::numeric[], $6::numeric[], $7::bigint[]) as u(day, balance, rate, exact, cumulative, amount)
       on conflict (account_id, day) do nothing`,
      [
        accountId,
        accruals.map((a) => a.day),
        accruals.map((a) => a.balance.toString()),
        accruals.map((a) => a.annualRatePercent),
        accruals.map((a) => a.exactScaled.toString()),
        accruals.map((a) => a.cumulativeScaled.toString()),
        accruals.map((a) => a.amount.toString()),
      ],
    );
    return rowCount;
  }

  /**
   * Periods to pay: months before `beforeDay` with accruals not yet claimed, and periods
   * claimed whose transfer is not known to be posted (a crash or a refusal stopped them).
   * `beforeDay` null: only the latter.
   */
  async periodsToPay(accountId: string, beforeDay: string | null): Promise<string[]> {
    const { rows } = await this.uow.query<{ period: string }>(
      `select to_char(day, 'YYYY-MM') as period from accounts.interest_accruals
        where account_id = $1 and capitalisation_period is null and day < $2::date
       union
       select period from accounts.interest_capitalisations where account_id = $1 and posted_at is null
       order by 1`,
      [accountId, beforeDay],
    );
    return rows.map((r) => r.period);
  }

  async findCapitalisation(sql: Sql, accountId: string, period: string): Promise<CapitalisationRecord | null> {
    const { rows } = await sql.query<CapitalisationRow>(
      'select account_id, period, amount, transfer_id, posted_at from accounts.interest_capitalisations where account_id = $1 and period = $2',
      [accountId, period],
    );
    return rows[0] ? capitalisationOf(rows[0]) : null;
  }

  async capitalisations(accountId: string): Promise<CapitalisationRecord[]> {
    const { rows } = await this.uow.query<CapitalisationRow>(
      'select account_id, period, amount, transfer_id, posted_at from accounts.interest_capitalisations where account_id = $1 order by created_at, period',
      [accountId],
    );
    return rows.map(capitalisationOf);
  }

  /**
   * Claims the unpaid accruals of a month (or all of them, for `final`) for one
   * capitalisation and records it; answers the amount to pay.
   */
  async recordCapitalisation(sql: Sql, accountId: string, period: string, transferId: string): Promise<CapitalisationRecord> {
    const { rows } = await sql.query<{ amount: string | null }>(
      `with claimed as (
         update accounts.interest_accruals set capitalisation_period = $2
          where account_id = $1 and capitalisation_period is null and ($2 = 'final' or to_char(day, 'YYYY-MM') = $2)
          returning amount)
       select sum(amount)::text as amount from claimed`,
      [accountId, period],
    );
    const amount = rows[0]?.amount ?? '0';
    const { rows: inserted } = await sql.query<CapitalisationRow>(
      `insert into accounts.interest_capitalisations (account_id, period, amount, transfer_id, posted_at)
       values ($1, $2, $3, $4, case when $3::bigint = 0 then now() end)
       returning account_id, period, amount, transfer_id, posted_at`,
      [accountId, period, amount, transferId],
    );
    return capitalisationOf(inserted[0]!);
  }

  /** True only for the call that marks it posted (so its event is written once). */
  async markPosted(sql: Sql, accountId: string, period: string): Promise<boolean> {
    const { rowCount } = await sql.query(
      'update accounts.interest_capitalisations set posted_at = now() where account_id = $1 and period = $2 and posted_at is null',
      [accountId, period],
    );
    return rowCount === 1;
  }

  async unpaid(accountId: string): Promise<{ amount: bigint; exactScaled: bigint; lastDay: string | null }> {
    const { rows } = await this.uow.query<{ amount: string | null; exact: string | null; last_day: string | null }>(
      `select sum(amount)::text as amount, sum(exact_scaled)::text as exact,
              (select to_char(max(day), 'YYYY-MM-DD') from accounts.interest_accruals where account_id = $1) as last_day
         from accounts.interest_accruals where account_id = $1 and capitalisation_period is null`,
      [accountId],
    );
    const r = rows[0]!;
    return { amount: BigInt(r.amount ?? '0'), exactScaled: BigInt(r.exact ?? '0'), lastDay: r.last_day };
  }
}

function trimRate(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
