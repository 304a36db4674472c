import { z } from 'zod';
import { SINGLE_LINE, singleLineText } from '@shared-kernel';
import { COUNTRY_CODES } from '@modules/identity/domain/country-codes';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@modules/identity/domain/password-policy';

/* Fields that several identity requests share, spelled once. */

// Internationalised addresses (RFC 6531) as well: zod's default pattern is ASCII-only, and
// josé@… is an address people have. Non-ASCII letters are BMP ranges written as \u escapes
// (the pattern is also the OpenAPI document's, read by clients in other regex dialects);
// they leave out general punctuation (zero-width and bidirectional controls), surrogates,
// the byte-order mark and specials. Spelling variants are one user: see domain/email-address.
const INTL = '\\u00C0-\\u1FFF\\u2C00-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFEFE\\uFF00-\\uFFEF';
const EMAIL_PATTERN = new RegExp(
  `^(?:[A-Za-z0-9_'+\\-${INTL}]+\\.)*[A-Za-z0-9_'+\\-${INTL}]*[A-Za-z0-9_+\\-${INTL}]@(?:[A-Za-z0-9${INTL}][A-Za-z0-9\\-${INTL}]*\\.)+[A-Za-z${INTL}]{2,}$`,
);

/** An address to register with (the answer never says whether it is known). */
export const EmailAddress = z.email({ pattern: EMAIL_PATTERN, error: 'must be an email address' }).max(254).meta({ example: 'jane@example.com' });

/** An address as typed at sign-in or for a reset: not checked for form (a wrong one is just unknown). */
export const EmailInput = singleLineText(1, 254).meta({ example: 'jane@example.com' });

/**
 * A password as typed at sign-in: any character, so that every password once set still
 * signs in. The policy (length in code points, common, personal) is a business rule checked
 * where a password is set.
 */
export const PasswordInput = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH * 4);

/**
 * A password being set: any printable character of any script (NIST SP 800-63B), but no
 * control character (NUL, tab, line breaks, ESC...), which no keyboard types on purpose. The
 * document states the policy's length in code points, as JSON Schema counts them; the policy
 * checks it (PASSWORD_TOO_WEAK, with the rest of the rule) where a password is set.
 */
export const NewPassword = PasswordInput.regex(SINGLE_LINE, 'must not contain control characters')
  .describe('At least 12 characters, not a common or breached password, no control characters')
  .meta({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });

/** A one-time token, challenge or ceremony id this service issued (printable ASCII, no spaces). */
export const IssuedToken = z
  .string()
  .min(10)
  .max(200)
  .regex(/^[\x21-\x7E]+$/, 'must be a token as issued');

export const PhoneNumber = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +447700900123')
  .meta({ description: 'E.164', example: '+447700900123' });

/**
 * A BCP 47 language tag of a language, an optional script and an optional region (en, en-GB,
 * zh-Hant-TW, es-419): every tag the pattern matches is well-formed, so the document states
 * exactly what is accepted (variants and extensions, which a pattern cannot check for
 * duplicates, are not taken).
 */
export const Locale = z
  .string()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?$/, 'must be a language tag such as en-GB')
  .meta({ example: 'en-GB' });

/** The codes are an enum, so the document lists the ones accepted. */
export const CountryCode = z
  .enum(COUNTRY_CODES, { error: 'must be an ISO 3166-1 alpha-2 country code' })
  .meta({ id: 'CountryCode', description: 'ISO 3166-1 alpha-2', example: 'GB' });

export const TotpCode = z
  .string()
  .regex(/^\d{6}$/, 'must be 6 digits')
  .meta({ example: '123456' });

/** RFC 6749 Appendix A VSCHAR (%x20-7E): what client ids, secrets, codes, tokens and state may hold. */
export function oauthText(min: number, max: number): z.ZodString {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(/^[\x20-\x7E]*$/, 'must be printable ASCII (RFC 6749 VSCHAR)');
}

/**
 * A WebAuthn credential as the browser's `toJSON()` gives it. Only its outline is checked
 * here (the fields every response has); the ceremony verifies the contents.
 */
export const WebAuthnCredential = z.looseObject({
  id: base64url(1400),
  rawId: base64url(1400),
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: base64url(10_000) }),
});

function base64url(max: number): z.ZodString {
  return z
    .string()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');
}
