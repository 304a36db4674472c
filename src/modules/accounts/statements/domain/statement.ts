/**
 * A statement: the posted balance at the start of a period, every posting in it with the
 * balance after it, and the balance at its end. Pure data and rules; rendering and storage
 * live elsewhere. Amounts are signed minor units from the customer's side: money in is
 * positive, money out negative (the account is credit-normal in the ledger).
 */

export type StatementKind = 'on_demand' | 'monthly' | 'final';
export const STATEMENT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export interface StatementLine {
  readonly sequence: string;
  readonly transferId: string;
  readonly postedAt: string;
  readonly side: 'debit' | 'credit';
  readonly amount: bigint;
  readonly balanceAfter: bigint;
}

export interface StatementAccount {
  readonly id: string;
  readonly accountNumber: string;
  readonly iban: string | null;
  readonly product: string;
  readonly currency: string;
}

export interface Statement {
  /** Set once stored; null for a statement generated on the fly. */
  readonly id: string | null;
  readonly kind: StatementKind | null;
  readonly account: StatementAccount;
  /** Inclusive start and exclusive end, ISO 8601 instants. */
  readonly periodFrom: string;
  readonly periodTo: string;
  readonly openingBalance: bigint;
  readonly closingBalance: bigint;
  readonly totalCredits: bigint;
  readonly totalDebits: bigint;
  readonly lines: readonly StatementLine[];
  readonly issuedAt: string;
}

export interface LedgerPosting {
  readonly sequence: string;
  readonly transferId: string;
  readonly side: 'debit' | 'credit';
  readonly amount: string;
  readonly balanceAfter: string;
  readonly createdAt: string;
}

/**
 * Builds the statement from the opening balance and the period's posted postings, in
 * ledger order. The closing balance is the opening plus every line, and each line must
 * land on the balance the ledger recorded after it: a gap would mean a missing posting,
 * and a statement that does not add up is never issued.
 */
export function buildStatement(input: {
  account: StatementAccount;
  periodFrom: string;
  periodTo: string;
  openingBalance: bigint;
  postings: readonly LedgerPosting[];
  issuedAt: string;
  id?: string | null;
  kind?: StatementKind | null;
}): Statement {
  let balance = input.openingBalance;
  let totalCredits = 0n;
  let totalDebits = 0n;
  const lines = input.postings.map((p): StatementLine => {
    const amount = p.side === 'credit' ? BigInt(p.amount) : -BigInt(p.amount);
    if (amount >= 0n) totalCredits += amount;
    else totalDebits -= amount;
    balance += amount;
    if (balance !== BigInt(p.balanceAfter)) throw new Error(`statement does not add up at posting ${p.sequence}: ${balance} != ${p.balanceAfter}`);
    return { sequence: p.sequence, transferId: p.transferId, postedAt: p.createdAt, side: p.side, amount, balanceAfter: balance };
  });
  return {
    id: input.id ?? null,
    kind: input.kind ?? null,
    account: input.account,
    periodFrom: input.periodFrom,
    periodTo: input.periodTo,
    openingBalance: input.openingBalance,
    closingBalance: balance,
    totalCredits,
    totalDebits,
    lines,
    issuedAt: input.issuedAt,
  };
}

/** Longest period one statement covers. */
export const MAX_PERIOD_DAYS = 366;

/** Why a period is not acceptable, or null. `from` and `to` are epoch milliseconds. */
export function periodProblem(from: number, to: number): string | null {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return 'from and to must be ISO 8601 dates or date-times';
  if (from >= to) return 'from must be before to';
  if (to - from > MAX_PERIOD_DAYS * 86_400_000) return `a statement covers at most ${MAX_PERIOD_DAYS} days`;
  return null;
}

/** The instant one microsecond before `iso` (Postgres' precision): "balance before this instant". */
export function justBefore(instantMs: number): string {
  return new Date(instantMs - 1).toISOString().replace('Z', '999Z');
}
