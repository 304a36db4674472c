import { passwordWeakness } from './password-policy';

const common = new Set(['password', 'qwerty', 'iloveyou', 'dragon', 'football']);
const isCommon = (s: string) => common.has(s);

describe('password policy', () => {
  it.each([
    ['short1!', 'too_short'],
    ['x'.repeat(129), 'too_long'],
    ['Password2024!', 'common'],
    ['!!iloveyou1234', 'common'],
    ['aaaaaaaaaaaa', 'repetitive'],
    ['abcabcabcabc', 'repetitive'],
    ['123456789012', 'repetitive'],
    ['qwertyuiopas', 'repetitive'],
  ])('rejects %s as %s', (password, weakness) => {
    expect(passwordWeakness(password, isCommon)).toBe(weakness);
  });

  it('rejects passwords built on the email or name', () => {
    expect(passwordWeakness('jane.doe-Secure-77', isCommon, ['jane.doe@example.com'])).toBe('personal');
  });

  it('accepts a long passphrase even when it contains a common word', () => {
    expect(passwordWeakness('dragon tea at noon, blue', isCommon)).toBeNull();
    expect(passwordWeakness('correct horse battery staple', isCommon, ['jane@example.com'])).toBeNull();
  });

  it('counts characters, not UTF-16 units', () => {
    expect(passwordWeakness('😀😀😀😀😀😀', isCommon)).toBe('too_short');
  });
});
