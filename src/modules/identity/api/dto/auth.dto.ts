import { z } from 'zod';
import { atLeastOneOf, singleLineText } from '@shared-kernel';
import { EmailAddress, EmailInput, IssuedToken, Locale, NewPassword, oauthText, PasswordInput, PhoneNumber, TotpCode, WebAuthnCredential } from './fields';

export const RegisterRequest = z
  .strictObject({
    email: EmailAddress,
    password: NewPassword,
    name: singleLineText(1, 200).meta({ example: 'Jane Doe' }),
    phone: PhoneNumber.optional(),
    locale: Locale.optional(),
  })
  .meta({ id: 'RegisterRequest' });
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const AcceptedResponse = z
  .object({
    status: z.literal('accepted'),
    message: z.string().meta({ example: 'If the address can be used, a message is on its way.' }),
  })
  .meta({ id: 'AcceptedResponse' });
export type AcceptedResponse = z.infer<typeof AcceptedResponse>;

export const OneTimeTokenRequest = z
  .strictObject({ token: IssuedToken.describe('The one-time token from the emailed link') })
  .meta({ id: 'OneTimeTokenRequest' });
export type OneTimeTokenRequest = z.infer<typeof OneTimeTokenRequest>;

export const VerifiedResponse = z.object({ status: z.literal('active') }).meta({ id: 'VerifiedResponse' });
export type VerifiedResponse = z.infer<typeof VerifiedResponse>;

export const LoginRequest = z.strictObject({ email: EmailInput, password: PasswordInput }).meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof LoginRequest>;

/** RFC 6749 §5.1 token response. */
export const TokenResponse = z
  .object({
    access_token: z.string().describe('ES256-signed JWT (RFC 9068)'),
    token_type: z.literal('Bearer'),
    expires_in: z.number().int().meta({ example: 600 }),
    refresh_token: z.string().optional().describe('Opaque; rotated on every use; a reused one revokes the whole session'),
    scope: z.string().meta({ example: '', description: 'Granted scopes, space-separated (empty for first-party user sessions)' }),
    id_token: z.string().optional().describe('OIDC ID token (authorization code grant with the openid scope)'),
  })
  .meta({ id: 'TokenResponse' });
export type TokenResponse = z.infer<typeof TokenResponse>;

export const MfaChallengeView = z
  .object({
    challengeToken: z.string().describe('Send it back with the second factor to /v1/auth/login/mfa; single use'),
    expiresIn: z.number().int().meta({ example: 300 }),
    methods: z.array(z.string()).meta({ example: ['totp', 'recovery_code'] }),
  })
  .meta({ id: 'MfaChallengeView' });

export const LoginResponse = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('authenticated'), tokens: TokenResponse }),
    z.object({ status: z.literal('mfa_required'), mfa: MfaChallengeView }),
  ])
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof LoginResponse>;

const secondFactor = {
  code: TotpCode.optional().describe('TOTP code (or send recoveryCode)'),
  recoveryCode: singleLineText(8, 20).optional().meta({ example: 'ABCD-EFGH-JKMN' }),
};

/** Without either field there is nothing to check: say so, rather than count a failed attempt. */
const SECOND_FACTOR_FIELDS = ['code', 'recoveryCode'] as const;
const SECOND_FACTOR_MISSING = 'is required (or send recoveryCode)';

export const SecondFactorRequest = atLeastOneOf(z.strictObject(secondFactor), SECOND_FACTOR_FIELDS, SECOND_FACTOR_MISSING).meta({ id: 'SecondFactorRequest' });
export type SecondFactorRequest = z.infer<typeof SecondFactorRequest>;

export const MfaLoginRequest = atLeastOneOf(z.strictObject({ challengeToken: IssuedToken, ...secondFactor }), SECOND_FACTOR_FIELDS, SECOND_FACTOR_MISSING).meta(
  {
    id: 'MfaLoginRequest',
  },
);
export type MfaLoginRequest = z.infer<typeof MfaLoginRequest>;

/** Just an address: password-reset requests and verification re-sends. */
export const PasswordResetRequest = z.strictObject({ email: EmailInput }).meta({ id: 'PasswordResetRequest' });
export type PasswordResetRequest = z.infer<typeof PasswordResetRequest>;

export const PasswordResetConfirmRequest = z
  .strictObject({ token: IssuedToken.describe('The one-time token from the emailed link'), newPassword: NewPassword })
  .meta({ id: 'PasswordResetConfirmRequest' });
export type PasswordResetConfirmRequest = z.infer<typeof PasswordResetConfirmRequest>;

export const WebAuthnOptionsResponse = z
  .object({
    challengeId: z.string().describe('Send it back with the assertion'),
    options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get()'),
  })
  .meta({ id: 'WebAuthnOptionsResponse' });
export type WebAuthnOptionsResponse = z.infer<typeof WebAuthnOptionsResponse>;

export const WebAuthnAssertionRequest = z
  .strictObject({
    challengeId: IssuedToken,
    response: WebAuthnCredential.describe('AuthenticationResponseJSON from navigator.credentials.get()'),
  })
  .meta({ id: 'WebAuthnAssertionRequest' });
export type WebAuthnAssertionRequest = z.infer<typeof WebAuthnAssertionRequest>;

const GRANT_TYPES = ['refresh_token', 'client_credentials', 'authorization_code'] as const;

/**
 * RFC 6749 token request; fields keep their RFC names. Form-encoded or JSON: every value is a
 * string, and a repeated form parameter (an array) is refused (RFC 6749 §3.2). Which fields
 * a grant type needs is the token endpoint's rule (INVALID_REQUEST), not a shape.
 */
export const TokenRequest = z
  .strictObject({
    grant_type: z.enum(GRANT_TYPES, { error: 'must be refresh_token, client_credentials or authorization_code' }),
    client_id: oauthText(0, 100).optional().describe('client_secret_post (or send HTTP Basic)'),
    client_secret: oauthText(0, 200).optional(),
    refresh_token: oauthText(0, 200).optional(),
    scope: oauthText(0, 1000).optional().meta({ example: 'accounts:read' }),
    code: oauthText(0, 200).optional(),
    redirect_uri: oauthText(0, 2000).optional(),
    code_verifier: z
      .string()
      .regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be 43-128 characters of A-Z a-z 0-9 - . _ ~')
      .optional()
      .describe('PKCE verifier (RFC 7636), 43-128 characters'),
  })
  .meta({ id: 'TokenRequest' });
export type TokenRequest = z.infer<typeof TokenRequest>;
