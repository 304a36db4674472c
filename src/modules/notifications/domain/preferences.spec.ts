import { channelAllowed, DEFAULT_PREFERENCES, quietUntil, unmutableCategories, type Preferences } from './preferences';

describe('preferences', () => {
  const muted: Preferences = {
    ...DEFAULT_PREFERENCES,
    mutedChannels: { marketing: ['email', 'in_app'], transactional: ['push'], security: ['email'], legal: ['email'] },
  };

  it('mutes marketing and transactional per channel, never security or legal', () => {
    expect(channelAllowed(muted, 'marketing', 'email')).toBe(false);
    expect(channelAllowed(muted, 'marketing', 'push')).toBe(true);
    expect(channelAllowed(muted, 'transactional', 'push')).toBe(false);
    expect(channelAllowed(muted, 'security', 'email')).toBe(true);
    expect(channelAllowed(muted, 'legal', 'email')).toBe(true);
    expect(unmutableCategories(muted.mutedChannels).sort()).toEqual(['legal', 'security']);
    expect(unmutableCategories({ security: [], marketing: ['sms'] })).toEqual([]);
  });

  it('holds messages until quiet hours end, in the user’s time zone, also across midnight', () => {
    const night: Preferences = { ...DEFAULT_PREFERENCES, timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' } };
    // 23:30 in Berlin (CET, UTC+1) → 07:00 Berlin = 06:00Z the next day.
    expect(quietUntil(new Date('2026-01-15T22:30:00Z'), night)?.toISOString()).toBe('2026-01-16T06:00:00.000Z');
    // 03:15 Berlin → 07:00 Berlin the same day.
    expect(quietUntil(new Date('2026-01-16T02:15:20Z'), night)?.toISOString()).toBe('2026-01-16T06:00:00.000Z');
    // Outside the window: not held.
    expect(quietUntil(new Date('2026-01-16T12:00:00Z'), night)).toBeNull();
    // In summer (CEST, UTC+2) the same local window is an hour earlier in UTC.
    expect(quietUntil(new Date('2026-07-01T01:00:00Z'), night)?.toISOString()).toBe('2026-07-01T05:00:00.000Z');
    // A window within one day, and no window at all.
    const lunch: Preferences = { ...DEFAULT_PREFERENCES, quietHours: { start: '12:00', end: '13:30' } };
    expect(quietUntil(new Date('2026-03-01T12:10:00Z'), lunch)?.toISOString()).toBe('2026-03-01T13:30:00.000Z');
    expect(quietUntil(new Date('2026-03-01T13:30:00Z'), lunch)).toBeNull();
    expect(quietUntil(new Date('2026-03-01T12:10:00Z'), DEFAULT_PREFERENCES)).toBeNull();
  });

  it('ends quiet hours at the local end even on the night clocks change', () => {
    const night: Preferences = { ...DEFAULT_PREFERENCES, timeZone: 'Europe/Berlin', quietHours: { start: '22:00', end: '07:00' } };
    // 2026-03-29: clocks go from 02:00 CET to 03:00 CEST; 07:00 CEST is 05:00Z.
    expect(quietUntil(new Date('2026-03-28T23:00:00Z'), night)?.toISOString()).toBe('2026-03-29T05:00:00.000Z');
    // 2026-10-25: back from 03:00 CEST to 02:00 CET; 07:00 CET is 06:00Z.
    expect(quietUntil(new Date('2026-10-24T22:00:00Z'), night)?.toISOString()).toBe('2026-10-25T06:00:00.000Z');
  });
});
