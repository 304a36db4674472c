import { accountNumberFrom, isValidAccountNumber, luhnCheckDigit } from './account-number';

describe('account numbers', () => {
  it('computes the Luhn check digit of known numbers', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3); // the textbook example 79927398713
    expect(luhnCheckDigit('453201511283036')).toBe(6); // a Luhn-valid test card number 4532015112830366
    expect(accountNumberFrom('123456789')).toBe('1234567897');
  });

  it('accepts numbers it builds and rejects every single-digit change and adjacent transposition', () => {
    for (const payload of ['100000000', '123456789', '987654321', '555555555', '400000017']) {
      const number = accountNumberFrom(payload);
      expect(isValidAccountNumber(number)).toBe(true);
      for (let i = 1; i < number.length; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === number[i]) continue;
          expect(isValidAccountNumber(`${number.slice(0, i)}${d}${number.slice(i + 1)}`)).toBe(false);
        }
      }
      for (let i = 0; i < number.length - 1; i++) {
        const swapped = `${number.slice(0, i)}${number[i + 1]}${number[i]}${number.slice(i + 2)}`;
        // Luhn misses only 09 <-> 90; none occur in these payloads.
        if (swapped !== number) expect(isValidAccountNumber(swapped)).toBe(false);
      }
    }
  });

  it('rejects wrong shapes', () => {
    expect(isValidAccountNumber('0234567897')).toBe(false);
    expect(isValidAccountNumber('123456789')).toBe(false);
    expect(isValidAccountNumber('12345678970')).toBe(false);
    expect(() => accountNumberFrom('012345678')).toThrow();
  });
});
