import fc from 'fast-check';
import { decimalRangePattern } from './money';
import { calendarDate, LocalOrZonedDateTime, SequenceCursor, singleLineText, Timestamp } from './wire';

/*
 * The field patterns state what PostgreSQL takes (issue 16, item 3). Each is held here to an
 * independent rule: BigInt arithmetic for the ranges, the Date calendar for days, the offset
 * bound PostgreSQL documents (±15:59) for time zones.
 */

describe('decimalRangePattern', () => {
  it('matches exactly the canonical decimals from 0 (or 1) to max', () => {
    const max = fc.bigInt({ min: 1n, max: 2n ** 70n });
    const candidate = fc.oneof(
      fc.bigInt({ min: 0n, max: 2n ** 72n }).map(String),
      fc.stringMatching(/^[0-9]{1,22}$/),
      fc.constantFrom('', '-1', '+1', '01', '1.0', '1e3', ' 1', '١'),
    );
    fc.assert(
      fc.property(max, candidate, fc.boolean(), (m, text, zero) => {
        const canonical = /^(0|[1-9][0-9]*)$/.test(text);
        const expected = canonical && BigInt(text) <= m && (zero || BigInt(text) >= 1n);
        return decimalRangePattern(zero ? 0 : 1, m).test(text) === expected;
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the ends of bigint and nothing past them as a cursor', () => {
    expect(SequenceCursor.safeParse('9223372036854775807').success).toBe(true);
    expect(SequenceCursor.safeParse('1').success).toBe(true);
    for (const v of ['9223372036854775808', '9999999999999999999', '0', '-1', '01', '9'.repeat(1000)]) expect(SequenceCursor.safeParse(v).success).toBe(false);
  });
});

describe('dates and instants', () => {
  const iso = (d: Date) => d.toISOString();

  it('takes every real day from 0001 on and refuses the days no calendar has', () => {
    const day = calendarDate();
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }), (y, m, d) => {
        const text = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
        const date = new Date(0);
        date.setUTCFullYear(y, m - 1, d);
        const real = date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
        return day.safeParse(text).success === real;
      }),
      { numRuns: 3000 },
    );
    expect(day.safeParse('0000-01-01').success).toBe(false);
  });

  it('takes offsets up to ±15:59 and refuses the ones PostgreSQL refuses', () => {
    fc.assert(
      fc.property(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (sign, h, m) => {
        const text = `2026-01-01T00:00:00${sign}${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        return Timestamp.safeParse(text).success === h <= 15 && LocalOrZonedDateTime.safeParse(text).success === h <= 15;
      }),
    );
    for (const v of ['2026-01-01T00:00:00+22:13', '2026-01-01T00:00:00-18:38', '0000-01-01T00:00:00Z', `2026-01-01T00:00:00.${'1'.repeat(10)}Z`])
      expect(Timestamp.safeParse(v).success).toBe(false);
  });

  it('takes what Date.prototype.toISOString writes, from year 0001 to 9999', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }),
        (d) => Timestamp.safeParse(iso(d)).success,
      ),
    );
  });
});

describe('singleLineText', () => {
  it('refuses every C0 and C1 control character and the Unicode line separators, and takes the rest', () => {
    const text = singleLineText(0, 10);
    for (let code = 0; code <= 0xffff; code++) {
      const c = String.fromCharCode(code);
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
      if (text.safeParse(`a${c}b`).success === control) throw new Error(`U+${code.toString(16)}: ${control ? 'accepted' : 'refused'}`);
    }
    expect(text.safeParse('Jose\u0301 𝔘').success).toBe(true);
  });
});
