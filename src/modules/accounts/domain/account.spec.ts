import { nextStatus } from './account';
import { openingOverdraft, overdraftRefusal } from './overdraft-policy';

describe('account lifecycle', () => {
  it('allows only the documented transitions', () => {
    expect(nextStatus('pending', 'activate')).toBe('active');
    expect(nextStatus('active', 'freeze')).toBe('frozen');
    expect(nextStatus('frozen', 'unfreeze')).toBe('active');
    expect(nextStatus('active', 'close')).toBe('closing');
    expect(nextStatus('closing', 'close')).toBe('closing');
    expect(nextStatus('frozen', 'close')).toBeNull();
    expect(nextStatus('closed', 'close')).toBeNull();
    expect(nextStatus('closing', 'freeze')).toBeNull();
    expect(nextStatus('active', 'unfreeze')).toBeNull();
    expect(nextStatus('closed', 'activate')).toBeNull();
  });
});

describe('overdraft policy', () => {
  const policy = { checkingDefault: 10_000n, checkingMax: 50_000n };

  it('gives checking the default and savings nothing at opening', () => {
    expect(openingOverdraft('checking', policy)).toBe(10_000n);
    expect(openingOverdraft('savings', policy)).toBe(0n);
  });

  it('never lets savings overdraw and caps checking at the maximum', () => {
    expect(overdraftRefusal('savings', 1n, policy)).toBe('OVERDRAFT_NOT_ALLOWED');
    expect(overdraftRefusal('savings', 0n, policy)).toBeNull();
    expect(overdraftRefusal('checking', 50_000n, policy)).toBeNull();
    expect(overdraftRefusal('checking', 50_001n, policy)).toBe('OVERDRAFT_ABOVE_POLICY');
  });
});
