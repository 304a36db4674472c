import { z } from 'zod';
import { singleLineText, Timestamp } from '@shared-kernel';
import { TotpCode, WebAuthnCredential } from './fields';

export const TotpEnrolmentResponse = z
  .object({
    secret: z.string().describe('Base32 secret, for manual entry'),
    otpauthUri: z.string().meta({
      example: 'otpauth://totp/Skyro:jane%40example.com?issuer=Skyro&secret=...&algorithm=SHA1&digits=6&period=30',
      description: 'Render as a QR code',
    }),
  })
  .meta({ id: 'TotpEnrolmentResponse' });
export type TotpEnrolmentResponse = z.infer<typeof TotpEnrolmentResponse>;

export const TotpCodeRequest = z.strictObject({ code: TotpCode }).meta({ id: 'TotpCodeRequest' });
export type TotpCodeRequest = z.infer<typeof TotpCodeRequest>;

export const RecoveryCodesResponse = z
  .object({ recoveryCodes: z.array(z.string()).describe('Single-use codes, shown once: store them safely') })
  .meta({ id: 'RecoveryCodesResponse' });
export type RecoveryCodesResponse = z.infer<typeof RecoveryCodesResponse>;

export const StepUpResponse = z.object({ secondFactorAt: Timestamp }).meta({ id: 'StepUpResponse' });
export type StepUpResponse = z.infer<typeof StepUpResponse>;

export const PasskeyRegistrationRequest = z
  .strictObject({
    response: WebAuthnCredential.describe('RegistrationResponseJSON from navigator.credentials.create()'),
    name: singleLineText(1, 100).optional().meta({ example: 'iPhone' }),
  })
  .meta({ id: 'PasskeyRegistrationRequest' });
export type PasskeyRegistrationRequest = z.infer<typeof PasskeyRegistrationRequest>;

export const PasskeyCreatedResponse = z.object({ id: z.string().describe('Credential id (base64url)') }).meta({ id: 'PasskeyCreatedResponse' });
export type PasskeyCreatedResponse = z.infer<typeof PasskeyCreatedResponse>;

export const PasskeyView = z
  .object({
    id: z.string(),
    name: z.string().meta({ example: 'iPhone' }),
    deviceType: z.enum(['singleDevice', 'multiDevice']),
    backedUp: z.boolean(),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
  })
  .meta({ id: 'PasskeyView' });

export const PasskeyList = z.array(PasskeyView);

export const PasskeyIdParams = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{16,1400}$/, 'must be a base64url credential id'),
});

export const WebAuthnCreationOptionsResponse = z
  .object({ options: z.record(z.string(), z.unknown()).describe('PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()') })
  .meta({ id: 'WebAuthnCreationOptionsResponse' });
export type WebAuthnCreationOptionsResponse = z.infer<typeof WebAuthnCreationOptionsResponse>;
