import { z } from 'zod';
import { calendarDate, Id, singleLineText, Timestamp } from '@shared-kernel';
import { USER_STATUSES } from '@modules/identity/domain/user-status';
import { AuditEntryView } from './audit.dto';
import { CountryCode, Locale, NewPassword, PasswordInput, PhoneNumber } from './fields';

export const CHANNELS = ['email', 'sms', 'push', 'in_app'] as const;

export const PostalAddress = z
  .strictObject({
    line1: singleLineText(1, 200).meta({ example: '1 High Street' }),
    line2: singleLineText(0, 200).optional(),
    city: singleLineText(1, 100).meta({ example: 'London' }),
    postalCode: singleLineText(1, 20).meta({ example: 'SW1A 1AA' }),
    country: CountryCode,
  })
  .meta({ id: 'PostalAddress' });

const DateOfBirth = calendarDate('must be a date (YYYY-MM-DD)').meta({ example: '1990-04-01' });
const NationalId = z
  .string()
  .regex(/^[A-Za-z0-9 -]{4,30}$/, 'must be 4-30 letters, digits, spaces or dashes')
  .meta({ example: 'QQ123456C' });

export const PreferencesChange = z
  .strictObject({
    locale: Locale.optional(),
    notificationChannels: z.array(z.enum(CHANNELS)).max(CHANNELS.length).optional(),
  })
  .meta({ id: 'PreferencesChange' });

/** Every field optional; an absent one is left as it is (email changes are not supported here). */
export const UpdateProfileRequest = z
  .strictObject({
    name: singleLineText(1, 200).optional().meta({ example: 'Jane Doe' }),
    phone: PhoneNumber.optional(),
    dateOfBirth: DateOfBirth.optional(),
    address: PostalAddress.optional(),
    nationalId: NationalId.optional(),
    preferences: PreferencesChange.optional(),
  })
  .meta({ id: 'UpdateProfileRequest' });
export type UpdateProfileRequest = z.infer<typeof UpdateProfileRequest>;

export const ChangePasswordRequest = z.strictObject({ currentPassword: PasswordInput, newPassword: NewPassword }).meta({ id: 'ChangePasswordRequest' });
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequest>;

export const PersonalDataView = z
  .object({
    email: z.string().meta({ example: 'jane@example.com' }),
    name: z.string().meta({ example: 'Jane Doe' }),
    phone: z.string().optional().meta({ example: '+447700900123' }),
    dateOfBirth: z.string().optional().meta({ example: '1990-04-01' }),
    address: PostalAddress.optional(),
    nationalId: z.string().optional().meta({ example: 'QQ123456C' }),
  })
  .meta({ id: 'PersonalDataView' });

export const PreferencesView = z
  .object({ locale: z.string().meta({ example: 'en-GB' }), notificationChannels: z.array(z.enum(CHANNELS)) })
  .meta({ id: 'PreferencesView' });

export const MfaSummaryView = z
  .object({ methods: z.array(z.string()).meta({ example: ['totp', 'recovery_code'] }), passkeys: z.number().int().meta({ example: 1 }) })
  .meta({ id: 'MfaSummaryView' });

export const ProfileResponse = z
  .object({
    id: Id,
    status: z.enum(USER_STATUSES),
    roles: z.array(z.string()).meta({ example: ['customer'] }),
    emailVerified: z.boolean(),
    personalData: PersonalDataView.nullable().describe('Null once the personal data was erased'),
    preferences: PreferencesView,
    mfa: MfaSummaryView,
    createdAt: Timestamp,
  })
  .meta({ id: 'ProfileResponse' });

export const UserDataExportResponse = z
  .object({
    exportedAt: Timestamp,
    profile: ProfileResponse,
    sessions: z.array(z.object({ id: Id, createdAt: Timestamp, lastSeenAt: Timestamp, ip: z.string().nullable(), userAgent: z.string().nullable() })),
    passkeys: z.array(z.object({ id: z.string(), name: z.string(), createdAt: Timestamp, lastUsedAt: Timestamp.nullable() })),
    oauthGrants: z.array(z.object({ clientId: z.string(), scopes: z.array(z.string()), createdAt: Timestamp, revoked: z.boolean() })),
    securityEvents: z.array(AuditEntryView),
  })
  .meta({ id: 'UserDataExportResponse' });
