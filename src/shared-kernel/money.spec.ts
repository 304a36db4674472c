import { currencyOf, formatMinorUnits, isCurrencyCode, MAX_MINOR_UNITS, parseMinorUnits } from './money';

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

  it('formats for display', () => {
    expect(formatMinorUnits(12345n, currencyOf('EUR')!)).toBe('123.45');
    expect(formatMinorUnits(-5n, currencyOf('EUR')!)).toBe('-0.05');
    expect(formatMinorUnits(500n, currencyOf('JPY')!)).toBe('500');
    expect(formatMinorUnits(1n, currencyOf('BHD')!)).toBe('0.001');
  });
});
