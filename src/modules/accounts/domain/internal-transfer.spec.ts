import { internalTransferRefusal, type TransferSide } from './internal-transfer';

describe('internal transfers between accounts', () => {
  const from: TransferSide = { id: 'a', status: 'active', currency: 'EUR' };
  const to: TransferSide = { id: 'b', status: 'active', currency: 'EUR' };

  it('lets money move between two active accounts of one currency, and into a frozen one', () => {
    expect(internalTransferRefusal(from, to)).toBeNull();
    expect(internalTransferRefusal(from, { ...to, status: 'frozen' })).toBeNull();
  });

  it('refuses a source that is not active, whatever the payee', () => {
    expect(internalTransferRefusal({ ...from, status: 'frozen' }, to)).toBe('ACCOUNT_FROZEN');
    expect(internalTransferRefusal({ ...from, status: 'closing' }, to)).toBe('ACCOUNT_CLOSED');
    expect(internalTransferRefusal({ ...from, status: 'closed' }, null)).toBe('ACCOUNT_CLOSED');
    expect(internalTransferRefusal({ ...from, status: 'pending' }, to)).toBe('ACCOUNT_NOT_OPEN');
  });

  it('treats an unknown, pending, closing or closed payee alike', () => {
    for (const status of ['pending', 'closing', 'closed'] as const) expect(internalTransferRefusal(from, { ...to, status })).toBe('TARGET_NOT_FOUND');
    expect(internalTransferRefusal(from, null)).toBe('TARGET_NOT_FOUND');
  });

  it('refuses the same account and another currency', () => {
    expect(internalTransferRefusal(from, from)).toBe('ACCOUNTS_MUST_BE_DIFFERENT');
    expect(internalTransferRefusal(from, { ...to, currency: 'USD' })).toBe('CURRENCY_MISMATCH');
  });
});
