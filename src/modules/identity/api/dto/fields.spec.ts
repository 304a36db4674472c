import fc from 'fast-check';
import { z } from 'zod';
import { singleLineText } from '@shared-kernel';
import { CountryCode, EmailAddress, Locale, oauthText } from './fields';
import { SecondFactorRequest, TokenRequest } from './auth.dto';
import { UpdateProfileRequest } from './users.dto';

const ok = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe('identity request fields', () => {
  it('single-line text refuses NUL, other control characters and line breaks, and keeps any other character', () => {
    const text = singleLineText(1, 20);
    for (const good of ['Jane Doe', 'Zoë Ødegaard', '李小龙', 'Ana-María O’Neil', '👩‍💻 dev']) expect({ good, ok: ok(text, good) }).toEqual({ good, ok: true });
    for (const bad of ['a\u0000b', 'a\tb', 'a\nb', 'a\rb', 'a\u001bb', 'a\u007fb', 'a\u0085b', 'a\u2028b', 'a\u2029b', '', 'x'.repeat(21)]) {
      expect({ bad, ok: ok(text, bad) }).toEqual({ bad, ok: false });
    }
  });

  it('OAuth parameters are RFC 6749 VSCHAR: printable ASCII and space only', () => {
    expect(ok(oauthText(0, 50), 'openid accounts:read')).toBe(true);
    expect(ok(oauthText(0, 50), 'skr_rt_é')).toBe(false);
    expect(ok(oauthText(0, 50), 'a\u0000')).toBe(false);
  });

  it('locales are language tags, countries ISO 3166-1 alpha-2 codes that exist, emails addresses', () => {
    expect(['en', 'en-GB', 'pt-BR', 'zh-Hant-TW'].map((v) => ok(Locale, v))).toEqual([true, true, true, true]);
    expect(['en_GB', 'english!', '', 'e', 'en-1996', 'AA-0000000'].map((v) => ok(Locale, v))).toEqual([false, false, false, false, false, false]);
    expect(['GB', 'DE', 'ZW'].map((v) => ok(CountryCode, v))).toEqual([true, true, true]);
    expect(['XX', 'gb', 'GBR', 'EU'].map((v) => ok(CountryCode, v))).toEqual([false, false, false, false]);
    expect(ok(EmailAddress, 'jane@example.com')).toBe(true);
    expect(ok(EmailAddress, 'not-an-email')).toBe(false);
    expect(ok(EmailAddress, `${'a'.repeat(250)}@example.com`)).toBe(false);
  });

  it('emails may be internationalised, in either normal form, but hold no invisible or control characters', () => {
    for (const email of ['jos\u00e9@example.com', 'jose\u0301@example.com', 'дмитрий@пример.рф', '用户@例子.中国', 'Ödön.Ürge@exämple.de'])
      expect(ok(EmailAddress, email)).toBe(true);
    for (const email of [
      'jos\u202eé@example.com',
      'a\u200b@example.com',
      'a\u0000@example.com',
      '\ufeffa@example.com',
      'a@example.c\u00f6\u200d',
      'josé@@example.com',
    ])
      expect(ok(EmailAddress, email)).toBe(false);
  });

  it('every locale the pattern of the document allows is accepted and a well-formed language tag', () => {
    const { pattern } = z.toJSONSchema(Locale) as { pattern: string };
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(pattern)), (tag) => {
        expect(ok(Locale, tag)).toBe(true);
        expect(Intl.getCanonicalLocales(tag)).toHaveLength(1);
      }),
      { numRuns: 500 },
    );
  });

  it('nested objects must be objects of their own shape', () => {
    expect(ok(UpdateProfileRequest, { address: { line1: 'a', city: 'b', postalCode: 'c', country: 'GB' }, preferences: {} })).toBe(true);
    expect(ok(UpdateProfileRequest, { address: [] })).toBe(false);
    expect(ok(UpdateProfileRequest, { preferences: ['email'] })).toBe(false);
    expect(ok(UpdateProfileRequest, { preferences: { notificationChannels: 'email' } })).toBe(false);
  });

  it('a second factor is a TOTP code or a recovery code; a token request value is never repeated', () => {
    expect(ok(SecondFactorRequest, { code: '123456' })).toBe(true);
    expect(ok(SecondFactorRequest, { recoveryCode: 'ABCD-EFGH-JKMN' })).toBe(true);
    const none = SecondFactorRequest.safeParse({});
    expect(none.success ? [] : none.error.issues.map((i) => i.path.join('.'))).toEqual(['code']);
    expect(ok(TokenRequest, { grant_type: 'refresh_token', refresh_token: ['a', 'b'] })).toBe(false);
  });
});
