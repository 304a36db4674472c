import fc from 'fast-check';
import {
  currencyOf,
  decimalRangePattern,
  formatMinorUnits,
  isCurrencyCode,
  MAX_MINOR_UNITS,
  MINOR_UNITS_PATTERN,
  parseMinorUnits,
  POSITIVE_MINOR_UNITS_PATTERN,
} from './money';

describe('money', () => {
  it('knows ISO 4217 currencies and their minor units', () => {
    expect(currencyOf('EUR')).toEqual({ code: 'EUR', minorUnits: 2 });
    expect(currencyOf('JPY')?.minorUnits).toBe(0);
    expect(currencyOf('BHD')?.minorUnits).toBe(3);
    expect(isCurrencyCode('XAU')).toBe(false); // gold: no minor unit
    expect(isCurrencyCode('EURO')).toBe(false);
  });

  it('parses minor units strictly', () => {
    expect(parseMinorUnits('0')).toBe(0n);
    expect(parseMinorUnits('9223372036854775807')).toBe(MAX_MINOR_UNITS);
    for (const bad of ['9223372036854775808', '-1', '1.5', '01', '', ' 1', '1e3']) expect(parseMinorUnits(bad)).toBeUndefined();
  });

  it('states the bigint bound as a pattern (what the document says is what is accepted)', () => {
    for (const [text, ok] of [
      ['0', true],
      ['1', true],
      ['999999999999999999', true],
      ['9223372036854775807', true],
      ['9223372036854775799', true],
      ['9223372036854775808', false],
      ['9300000000000000000', false],
      ['10000000000000000000', false],
      ['01', false],
      ['-1', false],
    ] as const) {
      expect({ text, ok: MINOR_UNITS_PATTERN.test(text) }).toEqual({ text, ok });
    }
    expect(POSITIVE_MINOR_UNITS_PATTERN.test('0')).toBe(false);
    expect(POSITIVE_MINOR_UNITS_PATTERN.test('9223372036854775807')).toBe(true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.bigInt({ min: 1n, max: 10n ** 20n }), (n, max) => {
        expect(decimalRangePattern(0, max).test(n.toString())).toBe(n <= max);
        expect(decimalRangePattern(1, max).test(n.toString())).toBe(n >= 1n && n <= max);
      }),
      { numRuns: 2000 },
    );
  });

  it('formats for display', () => {
    expect(formatMinorUnits(12345n, currencyOf('EUR')!)).toBe('123.45');
    expect(formatMinorUnits(-5n, currencyOf('EUR')!)).toBe('-0.05');
    expect(formatMinorUnits(500n, currencyOf('JPY')!)).toBe('500');
    expect(formatMinorUnits(1n, currencyOf('BHD')!)).toBe('0.001');
  });
});
