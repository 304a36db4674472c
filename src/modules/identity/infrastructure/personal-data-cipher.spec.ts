import { randomBytes } from 'node:crypto';
import { PersonalDataCipher } from './personal-data-cipher';

const keys = (active: string, ...kids: string[]) => ({
  keks: new Map([active, ...kids].map((kid) => [kid, randomBytes(32)])),
  activeKid: active,
  blindIndexKey: randomBytes(32),
});

describe('PersonalDataCipher (envelope encryption)', () => {
  const ring = keys('k1', 'k0');
  const cipher = new PersonalDataCipher(ring);
  const { dataKey, wrapped } = cipher.newDataKey('user-1');

  it('wraps data keys with the active key-encryption key and unwraps them by key id', () => {
    expect(wrapped.kekId).toBe('k1');
    expect(cipher.unwrap('user-1', wrapped)).toEqual(dataKey);
  });

  it('round-trips fields and never stores the plaintext', () => {
    const sealed = cipher.encrypt(dataKey, 'user-1', 'personal-data', '{"email":"jane@example.com"}');
    expect(sealed.toString('latin1')).not.toContain('jane');
    expect(cipher.decrypt(dataKey, 'user-1', 'personal-data', sealed)).toBe('{"email":"jane@example.com"}');
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt(dataKey, 'user-1', 'p', 'same')).not.toEqual(cipher.encrypt(dataKey, 'user-1', 'p', 'same'));
  });

  it('refuses a ciphertext moved to another user or purpose, or altered', () => {
    const sealed = cipher.encrypt(dataKey, 'user-1', 'personal-data', 'secret');
    expect(() => cipher.decrypt(dataKey, 'user-2', 'personal-data', sealed)).toThrow();
    expect(() => cipher.decrypt(dataKey, 'user-1', 'totp-secret', sealed)).toThrow();
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => cipher.decrypt(dataKey, 'user-1', 'personal-data', flipped)).toThrow();
    expect(() => cipher.unwrap('user-2', wrapped)).toThrow();
  });

  it('cannot unwrap without the key-encryption key (a removed or unknown kid)', () => {
    expect(() => new PersonalDataCipher(keys('k9')).unwrap('user-1', wrapped)).toThrow('unknown key-encryption key k1');
  });

  it('indexes emails deterministically, case- and space-insensitively, under its own key', () => {
    expect(cipher.emailIndex(' Jane@Example.com ')).toEqual(cipher.emailIndex('jane@example.com'));
    expect(cipher.emailIndex('jane@example.com')).not.toEqual(cipher.emailIndex('john@example.com'));
    expect(new PersonalDataCipher(keys('k1')).emailIndex('jane@example.com')).not.toEqual(cipher.emailIndex('jane@example.com'));
  });

  it('indexes every spelling of an address as one (NFC, case-folded), where the legacy index did not', () => {
    const composed = 'jos\u00e9@example.com';
    const decomposed = 'JOSE\u0301@example.com';
    expect(cipher.emailIndex(decomposed)).toEqual(cipher.emailIndex(composed));
    expect(cipher.legacyEmailIndex(decomposed)).not.toEqual(cipher.legacyEmailIndex(composed));
    // ASCII addresses keep the index they always had: nothing to recompute for them.
    expect(cipher.legacyEmailIndex(' Jane@Example.com')).toEqual(cipher.emailIndex('jane@example.com'));
  });
});
