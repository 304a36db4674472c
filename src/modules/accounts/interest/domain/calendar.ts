/** UTC calendar days as YYYY-MM-DD strings (they sort as they follow each other). */

const DAY_MS = 86_400_000;

export function dayOf(instantMs: number): string {
  return new Date(instantMs).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(Date.parse(`${day}T00:00:00.000Z`) + n * DAY_MS);
}

/** Days from `first` to `last`, both included (empty when first > last). */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; d <= last; d = addDays(d, 1)) out.push(d);
  return out;
}

/** "2026-11-17" → "2026-11". */
export const monthOf = (day: string) => day.slice(0, 7);

/** The month before the one `day` is in, as YYYY-MM. */
export function previousMonth(day: string): string {
  return monthOf(addDays(`${monthOf(day)}-01`, -1));
}

/** First day of the month after `month` (YYYY-MM). */
export function firstDayAfter(month: string): string {
  return addDays(`${month}-28`, 4).slice(0, 7) + '-01';
}

/** The last instant of a UTC day, to the microsecond (Postgres' precision). */
export const endOfDay = (day: string) => `${day}T23:59:59.999999Z`;
