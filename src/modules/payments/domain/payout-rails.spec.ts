import { railCurrencyMismatch } from './payout-rails';
import { ledgerTransferId, paymentIdFor, systemAccountId } from './ledger-ids';

describe('payout rails and currencies', () => {
  it.each([
    ['sepa', 'EUR', null],
    ['sepa', 'USD', 'sepa payouts are made in EUR only'],
    ['ach', 'USD', null],
    ['ach', 'EUR', 'ach payouts are made in USD only'],
    ['wire', 'GBP', null],
    ['swift', 'JPY', null],
    ['card', 'EUR', 'card is not a payout rail'],
  ] as const)('%s in %s', (method, currency, expected) => {
    expect(railCurrencyMismatch(method, currency)).toBe(expected);
  });
});

describe('derived ledger ids', () => {
  it('are stable per payment and step, and differ between steps, payments and system accounts', () => {
    const a = paymentIdFor('5f0c1a52-2b35-4c7e-9a4b-0d6f3e8a9b10', 'key-1');
    expect(paymentIdFor('5f0c1a52-2b35-4c7e-9a4b-0d6f3e8a9b10', 'key-1')).toBe(a);
    expect(paymentIdFor('5f0c1a52-2b35-4c7e-9a4b-0d6f3e8a9b10', 'key-2')).not.toBe(a);
    const steps = ['hold', 'post', 'void', 'fee', 'credit', 'return'] as const;
    expect(new Set(steps.map((s) => ledgerTransferId(a, s))).size).toBe(steps.length);
    expect(ledgerTransferId(a, 'hold')).toBe(ledgerTransferId(a, 'hold'));
    expect(systemAccountId({ kind: 'payin_clearing', connector: 'stripe', currency: 'EUR' })).not.toBe(
      systemAccountId({ kind: 'payin_clearing', connector: 'adyen', currency: 'EUR' }),
    );
  });
});
