import { scrubCardNumbers } from './logger';

describe('scrubCardNumbers', () => {
  it('masks Luhn-valid card numbers, with or without separators', () => {
    expect(scrubCardNumbers('card 4111111111111111 declined')).toBe('card [REDACTED-PAN] declined');
    expect(scrubCardNumbers('card 4111 1111 1111 1111')).toBe('card [REDACTED-PAN]');
    expect(scrubCardNumbers('amex 3782-822463-10005')).toBe('amex [REDACTED-PAN]');
  });

  it('keeps other numbers (ids, amounts, timestamps)', () => {
    expect(scrubCardNumbers('order 4111111111111112 of 1763900000000')).toBe('order 4111111111111112 of 1763900000000');
  });
});
