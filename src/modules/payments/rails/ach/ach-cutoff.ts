/*
 * When an ACH entry settles. Files go to the ODFI before its cut-off (bank local time,
 * America/New_York by default); an entry submitted before the cut-off on a banking day gets
 * the next banking day as its effective entry date (next-day ACH), one submitted after it (or
 * on a weekend or holiday) the banking day after the next one. Same-day ACH, when the ODFI
 * offers it and the submission is before the same-day cut-off, settles that banking day.
 * Banking days skip Saturdays, Sundays and the holidays given (Federal Reserve holidays).
 */

export interface AchCutoffs {
  /** IANA time zone of the cut-off times. */
  readonly timeZone: string;
  /** Next-day cut-off, HH:MM local. */
  readonly cutoff: string;
  /** Same-day cut-off, HH:MM local (absent: no same-day ACH). */
  readonly sameDayCutoff?: string;
  /** YYYY-MM-DD dates that are not banking days. */
  readonly holidays?: ReadonlySet<string>;
}

export const DEFAULT_CUTOFFS: AchCutoffs = { timeZone: 'America/New_York', cutoff: '16:00' };

function localParts(at: Date, timeZone: string): { date: string; minutes: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

const minutesOf = (hhmm: string): number => {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new Error(`cut-off ${hhmm} is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
};

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function isBankingDay(date: string, holidays: ReadonlySet<string> = new Set()): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !holidays.has(date);
}

/** The next banking day strictly after `date`. */
export function nextBankingDay(date: string, holidays?: ReadonlySet<string>): string {
  let d = addDays(date, 1);
  while (!isBankingDay(d, holidays)) d = addDays(d, 1);
  return d;
}

/** The effective entry date (YYYY-MM-DD) for an entry submitted at `submittedAt`. */
export function effectiveEntryDate(submittedAt: Date, cutoffs: AchCutoffs = DEFAULT_CUTOFFS, options: { sameDay?: boolean } = {}): string {
  const { date, minutes } = localParts(submittedAt, cutoffs.timeZone);
  const holidays = cutoffs.holidays;
  const banking = isBankingDay(date, holidays);
  if (options.sameDay && cutoffs.sameDayCutoff && banking && minutes < minutesOf(cutoffs.sameDayCutoff)) return date;
  // The first processing day: today when before the cut-off on a banking day, else the next banking day.
  const processing = banking && minutes < minutesOf(cutoffs.cutoff) ? date : nextBankingDay(date, holidays);
  return nextBankingDay(processing, holidays);
}
