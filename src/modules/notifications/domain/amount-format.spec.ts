import { formatAmount } from './amount-format';

describe('formatAmount', () => {
  it("applies the currency's exponent and the locale's separators, from the integer", () => {
    expect(formatAmount('123456', 'EUR', 'en')).toBe('1,234.56 EUR');
    expect(formatAmount('123456', 'EUR', 'de')).toBe('1.234,56 EUR');
    expect(formatAmount('123456', 'JPY', 'en')).toBe('123,456 JPY');
    expect(formatAmount('1234567', 'BHD', 'en')).toBe('1,234.567 BHD');
    expect(formatAmount('-5', 'EUR', 'en')).toBe('-0.05 EUR');
    expect(formatAmount('0', 'USD', 'de')).toBe('0,00 USD');
    // Beyond 2^53: no float could hold it exactly.
    expect(formatAmount('9223372036854775807', 'EUR', 'en')).toBe('92,233,720,368,547,758.07 EUR');
  });

  it('refuses what is not minor units or not a currency', () => {
    expect(() => formatAmount('1.5', 'EUR', 'en')).toThrow();
    expect(() => formatAmount('12', 'XXX', 'en')).toThrow();
  });
});
