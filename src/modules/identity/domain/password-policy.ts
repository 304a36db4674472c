/**
 * The password rule (NIST SP 800-63B §5.1.1.2): long enough, and not a known-common
 * password, not one dressed up with digits or symbols around it, not a repetition or a
 * keyboard/number run, and not the user's own email or name. No composition rules: they
 * make passwords weaker in practice.
 */
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 128;

export type PasswordWeakness = 'too_short' | 'too_long' | 'common' | 'repetitive' | 'personal';

export function passwordWeakness(password: string, isCommon: (candidate: string) => boolean, personal: readonly string[] = []): PasswordWeakness | null {
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) return 'too_short';
  if (length > MAX_PASSWORD_LENGTH) return 'too_long';
  const lower = password.toLowerCase();
  if (isCommon(lower)) return 'common';
  // "Password2024!", "!!qwerty12345": a common core with decoration around it.
  const core = lower.replace(/^[^a-z]+/, '').replace(/[^a-z]+$/, '');
  if (core.length >= 4 && isCommon(core) && core.length >= length / 2) return 'common';
  if (isRepetitive(lower)) return 'repetitive';
  for (const value of personal) {
    const part = value
      .toLowerCase()
      .split('@')[0]!
      .replace(/[^a-z0-9]/g, '');
    if (part.length >= 4 && lower.replace(/[^a-z0-9]/g, '').includes(part)) return 'personal';
  }
  return null;
}

/** "aaaaaaaaaaaa", "abcabcabcabc", "123456789012", "qwertyuiopas"... */
function isRepetitive(value: string): boolean {
  for (let size = 1; size <= value.length / 2; size++) {
    if (value.length % size === 0 && value.slice(0, size).repeat(value.length / size) === value) return true;
  }
  const runs = ['0123456789012345678901234567890', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiopasdfghjklzxcvbnm', '9876543210987654321098765432109'];
  return runs.some((run) => run.includes(value));
}

export const WEAKNESS_MESSAGES: Record<PasswordWeakness, string> = {
  too_short: `password must be at least ${MIN_PASSWORD_LENGTH} characters`,
  too_long: `password must be at most ${MAX_PASSWORD_LENGTH} characters`,
  common: 'password is too common (found in a list of breached and common passwords)',
  repetitive: 'password is a repetition or a keyboard sequence',
  personal: 'password must not contain your email or name',
};
