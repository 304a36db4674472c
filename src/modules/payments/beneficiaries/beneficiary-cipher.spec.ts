import { randomBytes } from 'node:crypto';
import { BeneficiaryCipher } from './beneficiary-cipher';
import type { PaymentsConfig } from '../payments.config';

const config = (key?: Buffer) =>
  ({ beneficiaries: { env: 'test', key: key as PaymentsConfig['beneficiaries']['key'], keyFile: '/nonexistent' } }) as unknown as PaymentsConfig;

describe('BeneficiaryCipher', () => {
  it('opens what it sealed for the same beneficiary only', () => {
    const cipher = new BeneficiaryCipher(config(randomBytes(32)));
    const sealed = cipher.seal('b1', 'DE89370400440532013000');
    expect(sealed.toString('latin1')).not.toContain('3704004405');
    expect(cipher.open('b1', sealed)).toBe('DE89370400440532013000');
    expect(() => cipher.open('b2', sealed)).toThrow();
  });

  it('gives equal accounts equal lookups under one key, other values under another key or rail', () => {
    const key = randomBytes(32);
    const a = new BeneficiaryCipher(config(key));
    const b = new BeneficiaryCipher(config(key));
    expect(a.lookup('sepa', 'DE89370400440532013000').equals(b.lookup('sepa', 'DE89370400440532013000'))).toBe(true);
    expect(a.lookup('sepa', 'DE89370400440532013000').equals(a.lookup('swift', 'DE89370400440532013000'))).toBe(false);
    expect(a.lookup('sepa', 'X').equals(new BeneficiaryCipher(config(randomBytes(32))).lookup('sepa', 'X'))).toBe(false);
    // A sealed account does not open under another key.
    expect(() => new BeneficiaryCipher(config(randomBytes(32))).open('b1', a.seal('b1', '123456789'))).toThrow();
  });
});
