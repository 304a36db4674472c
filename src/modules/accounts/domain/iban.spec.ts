import { germanIban, ibanCheckDigits, isValidIban } from './iban';

describe('IBAN', () => {
  // Published examples (ECBS/SWIFT IBAN registry and the banks' own documentation).
  const KNOWN_VALID = [
    'DE89370400440532013000',
    'DE89 3704 0044 0532 0130 00',
    'GB82WEST12345698765432',
    'FR1420041010050500013M02606',
    'NL91ABNA0417164300',
    'BE68539007547034',
    'CH9300762011623852957',
    'AT611904300234573201',
  ];

  it.each(KNOWN_VALID)('accepts the known-valid IBAN %s', (iban) => {
    expect(isValidIban(iban)).toBe(true);
  });

  it('rejects a changed digit, a transposition, a wrong length and junk', () => {
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(isValidIban('DE89370400440532031000')).toBe(false);
    expect(isValidIban('DE8937040044053201300')).toBe(false);
    expect(isValidIban('GB82WEST1234569876543X')).toBe(false);
    expect(isValidIban('not an iban')).toBe(false);
  });

  it('computes the check digits of the known German example', () => {
    expect(ibanCheckDigits('DE', '370400440532013000')).toBe('89');
    expect(germanIban('37040044', '0532013000')).toBe('DE89370400440532013000');
  });

  it('builds valid German IBANs for our bank code', () => {
    for (const number of ['1234567897', '9000000006', '1000000008']) {
      const iban = germanIban('99900000', number);
      expect(iban).toMatch(/^DE[0-9]{2}99900000[0-9]{10}$/);
      expect(iban.endsWith(number)).toBe(true);
      expect(isValidIban(iban)).toBe(true);
    }
    expect(() => germanIban('0370400', '0532013000')).toThrow();
  });
});
