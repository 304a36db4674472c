/**
 * Interest arithmetic, exact: no floats anywhere. An annual rate is a decimal percentage
 * string with at most 6 decimals ("3.65" = 3.65 % p.a.), held as integer rate units of
 * 10^-8 (a fraction of 1). ACT/365 (Fixed): every calendar day earns balance × rate / 365,
 * leap years included. A day's exact interest, in minor units, is therefore
 * `balance × rateUnits / DAY_DENOMINATOR`; we keep the numerator ("scaled" amounts) as an
 * integer and never divide until money is paid, so no fraction is ever lost.
 */

/** Rate units per 1 (a rate of 100 % is 10^8 units). */
export const RATE_SCALE = 100_000_000n;
/** Scaled amounts are minor units × DAY_DENOMINATOR. */
export const DAY_DENOMINATOR = 365n * RATE_SCALE;

const RATE_PATTERN = /^(0|[1-9][0-9]{0,2})(\.[0-9]{1,6})?$/;

export function isAnnualRatePercent(text: string): boolean {
  return RATE_PATTERN.test(text);
}

/** "3.65" (percent) → 3_650_000 rate units (0.0365 × 10^8). */
export function rateUnitsOf(annualRatePercent: string): bigint {
  if (!RATE_PATTERN.test(annualRatePercent)) throw new Error(`not an annual rate percentage: ${annualRatePercent}`);
  const [whole, fraction = ''] = annualRatePercent.split('.');
  // percent → fraction of 1 is ÷100; 6 decimals of percent are 8 decimals of the fraction.
  return BigInt(whole! + fraction.padEnd(6, '0'));
}

/**
 * Rounds num/den to an integer, half to even (banker's rounding): a tie goes to the even
 * neighbour, so ties do not drift one way over many roundings. den must be positive.
 */
export function roundHalfEven(num: bigint, den: bigint): bigint {
  if (den <= 0n) throw new Error('denominator must be positive');
  let q = num / den; // truncates toward zero
  let r = num % den;
  if (r < 0n) {
    // floor division: q rounds down, 0 <= r < den
    q -= 1n;
    r += den;
  }
  const twice = 2n * r;
  if (twice > den || (twice === den && q % 2n !== 0n)) return q + 1n;
  return q;
}

/**
 * One day's exact credit interest (scaled). Negative balances earn nothing and are not
 * charged debit interest here (overdraft interest is a separate product, ADR 0013).
 */
export function dailyInterestScaled(endOfDayBalance: bigint, rateUnits: bigint): bigint {
  return endOfDayBalance > 0n ? endOfDayBalance * rateUnits : 0n;
}

/**
 * The minor units a day contributes, with the remainder carried: the rounded running total
 * after the day minus the rounded running total before it. Summed over any run of days,
 * these are exactly round(total exact interest) − round(starting total): rounded once,
 * never losing or inventing a fraction.
 */
export function dailyAmount(cumulativeBefore: bigint, cumulativeAfter: bigint): bigint {
  return roundHalfEven(cumulativeAfter, DAY_DENOMINATOR) - roundHalfEven(cumulativeBefore, DAY_DENOMINATOR);
}

export interface RateChange {
  /** UTC calendar day, YYYY-MM-DD. */
  readonly effectiveFrom: string;
  readonly annualRatePercent: string;
}

/** The rate in force on `day` (the latest change effective on or before it), or null. */
export function rateOn(history: readonly RateChange[], day: string): RateChange | null {
  let best: RateChange | null = null;
  for (const change of history) {
    if (change.effectiveFrom <= day && (best === null || change.effectiveFrom > best.effectiveFrom)) best = change;
  }
  return best;
}

export interface DayAccrual {
  readonly day: string;
  readonly balance: bigint;
  readonly annualRatePercent: string;
  readonly exactScaled: bigint;
  readonly cumulativeScaled: bigint;
  readonly amount: bigint;
}

/** Accrues consecutive days from a running total, each day at the rate in force on it. */
export function accrueDays(cumulativeScaled: bigint, days: readonly { day: string; balance: bigint }[], history: readonly RateChange[]): DayAccrual[] {
  const out: DayAccrual[] = [];
  let cumulative = cumulativeScaled;
  for (const { day, balance } of days) {
    const rate = rateOn(history, day)?.annualRatePercent ?? '0';
    const exactScaled = dailyInterestScaled(balance, rateUnitsOf(rate));
    const after = cumulative + exactScaled;
    out.push({ day, balance, annualRatePercent: rate, exactScaled, cumulativeScaled: after, amount: dailyAmount(cumulative, after) });
    cumulative = after;
  }
  return out;
}
