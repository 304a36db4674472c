import { z } from 'zod';
import { singleLineText } from '@shared-kernel';
import { COUNTRY_CODES } from '@modules/identity/domain/country-codes';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@modules/identity/domain/password-policy';

/* Fields that several identity requests share, spelled once. */

/** An address to register with (the answer never says whether it is known). */
export const EmailAddress = z.email({ error: 'must be an email address' }).max(254).meta({ example: 'jane@example.com' });

/** An address as typed at sign-in or for a reset: not checked for form (a wrong one is just unknown). */
export const EmailInput = singleLineText(1, 254).meta({ example: 'jane@example.com' });

/**
 * A password as typed. Any character is allowed (NIST SP 800-63B); the policy (length in code
 * points, common, personal) is a business rule checked where a password is set.
 */
export const PasswordInput = z
  .string()
  .min(1)
  .max(MAX_PASSWORD_LENGTH * 4);

/**
 * The document states the policy's length in code points, as JSON Schema counts them; the
 * policy checks it (PASSWORD_TOO_WEAK, with the rest of the rule) where a password is set.
 */
export const NewPassword = PasswordInput.describe('At least 12 characters, not a common or breached password').meta({
  minLength: MIN_PASSWORD_LENGTH,
  maxLength: MAX_PASSWORD_LENGTH,
});

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
  id: z.string().min(1).max(1400),
  rawId: z.string().min(1).max(1400),
  type: z.literal('public-key'),
  response: z.looseObject({ clientDataJSON: z.string().min(1).max(10_000) }),
});
