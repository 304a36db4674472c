import fc from 'fast-check';
import { addDays, daysBetween, firstDayAfter, previousMonth } from './calendar';
import { accrueDays, DAY_DENOMINATOR, dailyInterestScaled, rateOn, rateUnitsOf, roundHalfEven } from './interest-math';

describe('roundHalfEven', () => {
  it.each([
    [5n, 2n, 2n], // 2.5 → 2
    [7n, 2n, 4n], // 3.5 → 4
    [-5n, 2n, -2n], // -2.5 → -2
    [-7n, 2n, -4n], // -3.5 → -4
    [26n, 10n, 3n], // 2.6 → 3
    [24n, 10n, 2n], // 2.4 → 2
    [-26n, 10n, -3n],
    [-24n, 10n, -2n],
    [0n, 7n, 0n],
    [1n, 2n, 0n], // 0.5 → 0
    [3n, 2n, 2n], // 1.5 → 2
  ])('%p / %p → %p', (num, den, expected) => {
    expect(roundHalfEven(num, den)).toBe(expected);
  });

  it('is within half a unit of the exact value and symmetric around zero', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 15n }), (num, den) => {
        const r = roundHalfEven(num, den);
        const diff2 = 2n * (r * den - num); // 2 × (rounded − exact) × den
        expect(diff2 <= den && diff2 >= -den).toBe(true);
        if (diff2 === den || diff2 === -den) expect(r % 2n).toBe(0n); // ties land on even
        expect(roundHalfEven(-num, den)).toBe(-r);
      }),
    );
  });
});

describe('rates', () => {
  it('reads percentages exactly into units of 10^-8', () => {
    expect(rateUnitsOf('3.65')).toBe(3_650_000n);
    expect(rateUnitsOf('0')).toBe(0n);
    expect(rateUnitsOf('0.000001')).toBe(1n);
    expect(rateUnitsOf('100')).toBe(100_000_000n);
    expect(() => rateUnitsOf('1e2')).toThrow();
    expect(() => rateUnitsOf('-1')).toThrow();
    expect(() => rateUnitsOf('0.0000001')).toThrow();
  });

  it('ACT/365: a year of days at r % on B pays B × r / 100 (365 days), and 366/365 of it in a leap year', () => {
    const days = (from: string, to: string) => daysBetween(from, to).map((day) => ({ day, balance: 1_000_000n }));
    const history = [{ effectiveFrom: '2000-01-01', annualRatePercent: '5' }];
    const normal = accrueDays(0n, days('2025-01-01', '2025-12-31'), history);
    expect(normal).toHaveLength(365);
    expect(normal.reduce((s, d) => s + d.amount, 0n)).toBe(50_000n);
    const leap = accrueDays(0n, days('2028-01-01', '2028-12-31'), history);
    expect(leap).toHaveLength(366);
    expect(leap.reduce((s, d) => s + d.amount, 0n)).toBe(roundHalfEven(366n * 50_000n, 365n)); // 50136.98… → 50137
  });

  it('applies the rate in force on each day when it changes mid-month', () => {
    const history = [
      { effectiveFrom: '2026-01-01', annualRatePercent: '3.65' },
      { effectiveFrom: '2026-11-16', annualRatePercent: '7.3' },
    ];
    expect(rateOn(history, '2025-12-31')).toBeNull();
    expect(rateOn(history, '2026-11-15')?.annualRatePercent).toBe('3.65');
    expect(rateOn(history, '2026-11-16')?.annualRatePercent).toBe('7.3');
    const month = accrueDays(
      0n,
      daysBetween('2026-11-01', '2026-11-30').map((day) => ({ day, balance: 1_000_000n })),
      history,
    );
    // 15 days at 100/day, 15 days at 200/day.
    expect(month.map((d) => d.amount)).toEqual([...Array<bigint>(15).fill(100n), ...Array<bigint>(15).fill(200n)]);
  });

  it('earns nothing on a zero or negative balance (no debit interest)', () => {
    expect(dailyInterestScaled(-5_000n, rateUnitsOf('10'))).toBe(0n);
    expect(dailyInterestScaled(0n, rateUnitsOf('10'))).toBe(0n);
  });
});

describe('remainder carry', () => {
  const balances = fc.array(fc.bigInt({ min: -(10n ** 9n), max: 10n ** 12n }), { minLength: 1, maxLength: 120 });
  const rate = fc.tuple(fc.integer({ min: 0, max: 99 }), fc.integer({ min: 0, max: 999_999 })).map(([w, f]) => `${w}.${String(f).padStart(6, '0')}`);

  it('the daily amounts of any run of days sum to the exact total rounded once (half-even), and the remainder is kept', () => {
    fc.assert(
      fc.property(balances, rate, fc.bigInt({ min: -(DAY_DENOMINATOR / 2n), max: DAY_DENOMINATOR / 2n }), (bals, r, carried) => {
        const days = bals.map((balance, i) => ({ day: addDays('2026-01-01', i), balance }));
        const accrued = accrueDays(carried, days, [{ effectiveFrom: '2026-01-01', annualRatePercent: r }]);
        const exact = bals.reduce((s, b) => s + (b > 0n ? b * rateUnitsOf(r) : 0n), 0n);
        const paid = accrued.reduce((s, d) => s + d.amount, 0n);
        // Carried-in remainder is at most half a unit, which rounds to 0: paid is the total rounded once.
        expect(paid).toBe(roundHalfEven(carried + exact, DAY_DENOMINATOR));
        // Within one minor unit of the exact total, and what is not paid stays in the running total.
        expect(2n * (paid * DAY_DENOMINATOR - exact - carried) <= 2n * DAY_DENOMINATOR).toBe(true);
        expect(accrued[accrued.length - 1]!.cumulativeScaled).toBe(carried + exact);
        for (const d of accrued) expect(d.amount >= 0n).toBe(true);
      }),
    );
  });

  it('tiny daily fractions add up instead of rounding away to zero', () => {
    // 10.00 EUR at 3.65 %: a tenth of a cent a day, which rounded alone would be 0 every day.
    const accrued = accrueDays(
      0n,
      daysBetween('2026-01-01', '2026-04-10').map((day) => ({ day, balance: 1_000n })),
      [{ effectiveFrom: '2026-01-01', annualRatePercent: '3.65' }],
    );
    expect(accrued).toHaveLength(100);
    expect(accrued.reduce((s, d) => s + d.amount, 0n)).toBe(10n);
    expect(accrued.filter((d) => d.amount === 1n)).toHaveLength(10);
  });
});

describe('calendar', () => {
  it('walks months and days in UTC', () => {
    expect(previousMonth('2026-01-01')).toBe('2025-12');
    expect(previousMonth('2026-03-31')).toBe('2026-02');
    expect(firstDayAfter('2026-02')).toBe('2026-03-01');
    expect(firstDayAfter('2026-12')).toBe('2027-01-01');
    expect(daysBetween('2028-02-27', '2028-03-01')).toEqual(['2028-02-27', '2028-02-28', '2028-02-29', '2028-03-01']);
  });
});
