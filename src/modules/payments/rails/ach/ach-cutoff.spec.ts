import { effectiveEntryDate, isBankingDay, nextBankingDay } from './ach-cutoff';

describe('ACH cut-off and effective entry date', () => {
  const cutoffs = { timeZone: 'America/New_York', cutoff: '16:00', sameDayCutoff: '14:45', holidays: new Set(['2026-12-25']) };

  it('gives the next banking day before the cut-off, the one after after it (New York time)', () => {
    // Tuesday 2026-12-01 15:59 EST = 20:59 UTC.
    expect(effectiveEntryDate(new Date('2026-12-01T20:59:00Z'), cutoffs)).toBe('2026-12-02');
    expect(effectiveEntryDate(new Date('2026-12-01T21:00:00Z'), cutoffs)).toBe('2026-12-03');
    // 01:00 UTC Wednesday is still Tuesday evening in New York: after the cut-off.
    expect(effectiveEntryDate(new Date('2026-12-02T01:00:00Z'), cutoffs)).toBe('2026-12-03');
  });

  it('skips weekends and holidays', () => {
    // Friday 2026-12-04 before the cut-off: Monday.
    expect(effectiveEntryDate(new Date('2026-12-04T15:00:00Z'), cutoffs)).toBe('2026-12-07');
    // Friday after the cut-off: Tuesday. Saturday and Sunday: Tuesday.
    expect(effectiveEntryDate(new Date('2026-12-04T22:00:00Z'), cutoffs)).toBe('2026-12-08');
    expect(effectiveEntryDate(new Date('2026-12-05T12:00:00Z'), cutoffs)).toBe('2026-12-08');
    expect(effectiveEntryDate(new Date('2026-12-06T12:00:00Z'), cutoffs)).toBe('2026-12-08');
    // Thursday 24 December before the cut-off: Friday 25 is a holiday, so Monday 28.
    expect(effectiveEntryDate(new Date('2026-12-24T15:00:00Z'), cutoffs)).toBe('2026-12-28');
    expect(isBankingDay('2026-12-25', cutoffs.holidays)).toBe(false);
    expect(nextBankingDay('2026-12-24', cutoffs.holidays)).toBe('2026-12-28');
  });

  it('settles the same day before the same-day cut-off when asked', () => {
    expect(effectiveEntryDate(new Date('2026-12-01T19:44:00Z'), cutoffs, { sameDay: true })).toBe('2026-12-01');
    expect(effectiveEntryDate(new Date('2026-12-01T19:45:00Z'), cutoffs, { sameDay: true })).toBe('2026-12-02');
    expect(effectiveEntryDate(new Date('2026-12-05T15:00:00Z'), cutoffs, { sameDay: true })).toBe('2026-12-08');
  });

  it('follows daylight saving time: 16:00 New York is 20:00 UTC in summer', () => {
    expect(effectiveEntryDate(new Date('2026-07-01T19:59:00Z'), cutoffs)).toBe('2026-07-02');
    expect(effectiveEntryDate(new Date('2026-07-01T20:00:00Z'), cutoffs)).toBe('2026-07-03');
  });
});
