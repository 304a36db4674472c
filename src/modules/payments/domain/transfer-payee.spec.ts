import { payeeRefusal, type PayeeAccount } from './transfer-payee';

describe('payeeRefusal', () => {
  const payee = (over: Partial<PayeeAccount> = {}): PayeeAccount => ({ id: 'b', status: 'active', currency: 'EUR', ...over });

  it('lets an active or frozen account in the same currency receive', () => {
    expect(payeeRefusal('a', payee(), 'EUR')).toBeNull();
    expect(payeeRefusal('a', payee({ status: 'frozen' }), 'EUR')).toBeNull();
  });

  it('refuses the source account itself', () => {
    expect(payeeRefusal('b', payee(), 'EUR')).toBe('PAYEE_ACCOUNT_SAME_AS_SOURCE');
  });

  it('gives one answer for unknown, not open, closed and other-currency accounts', () => {
    expect(payeeRefusal('a', null, 'EUR')).toBe('PAYEE_ACCOUNT_NOT_FOUND');
    for (const status of ['pending', 'closing', 'closed'] as const) expect(payeeRefusal('a', payee({ status }), 'EUR')).toBe('PAYEE_ACCOUNT_NOT_FOUND');
    expect(payeeRefusal('a', payee({ currency: 'USD' }), 'EUR')).toBe('PAYEE_ACCOUNT_NOT_FOUND');
  });
});
