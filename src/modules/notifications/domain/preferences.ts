import { canOptOut, type Category, type Channel } from './categories';

/** A user's choices: channels turned off per category, quiet hours, time zone. */
export interface Preferences {
  /** IANA time zone, e.g. `Europe/Berlin`; dates in messages and quiet hours are in it. */
  readonly timeZone: string;
  /** `HH:MM` local start and end; a window may wrap midnight (22:00–07:00). Null: none. */
  readonly quietHours: { readonly start: string; readonly end: string } | null;
  /** Per category, the channels the user turned off. */
  readonly mutedChannels: Readonly<Partial<Record<Category, readonly Channel[]>>>;
}

export const DEFAULT_PREFERENCES: Preferences = { timeZone: 'UTC', quietHours: null, mutedChannels: { marketing: [] } };

/** Whether a message of `category` may go out on `channel` for this user (security and legal always may). */
export function channelAllowed(preferences: Preferences, category: Category, channel: Channel): boolean {
  if (!canOptOut(category)) return true;
  return !(preferences.mutedChannels[category] ?? []).includes(channel);
}

/** The categories a user tried to mute but may not: the preference update is refused naming them. */
export function unmutableCategories(muted: Preferences['mutedChannels']): Category[] {
  return (Object.entries(muted) as Array<[Category, readonly Channel[] | undefined]>)
    .filter(([c, list]) => !canOptOut(c) && (list?.length ?? 0) > 0)
    .map(([c]) => c);
}

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Minutes since local midnight of `at` in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')!.value);
  const minute = Number(parts.find((p) => p.type === 'minute')!.value);
  return hour * 60 + minute;
}

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * When quiet hours hold a message back: the first instant at or after `now` outside the
 * window, in the user's time zone; null when `now` is outside it. Estimated from the window's
 * local length, then corrected minute by minute, so a daylight-saving shift cannot move the end.
 */
export function quietUntil(now: Date, preferences: Preferences): Date | null {
  const window = preferences.quietHours;
  if (!window) return null;
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start === end) return null;
  const inside = (m: number) => (start < end ? m >= start && m < end : m >= start || m < end);
  const local = localMinutes(now, preferences.timeZone);
  if (!inside(local)) return null;
  const remaining = (end - local + 1440) % 1440;
  // Seconds of the current minute are dropped; then step until outside (DST may lengthen the night by an hour).
  let candidate = new Date(Math.floor(now.getTime() / 60_000) * 60_000 + remaining * 60_000);
  for (let i = 0; i < 180 && inside(localMinutes(candidate, preferences.timeZone)); i++) candidate = new Date(candidate.getTime() + 60_000);
  // A shorter night (clocks forward): the window ended up to an hour earlier.
  const minute = (d: Date) => new Date(d.getTime() - 60_000);
  for (let i = 0; i < 180 && minute(candidate) > now && !inside(localMinutes(minute(candidate), preferences.timeZone)); i++) candidate = minute(candidate);
  return candidate;
}
