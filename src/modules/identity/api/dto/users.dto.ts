import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO31661Alpha2, IsISO8601, IsLocale, IsOptional, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from '../../domain/password-policy';
import { USER_STATUSES } from '../../domain/user-status';

export const CHANNELS = ['email', 'sms', 'push', 'in_app'] as const;

export class AddressDto {
  @ApiProperty({ example: '1 High Street' })
  @IsString()
  @Length(1, 200)
  line1!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  line2?: string;

  @ApiProperty({ example: 'London' })
  @IsString()
  @Length(1, 100)
  city!: string;

  @ApiProperty({ example: 'SW1A 1AA' })
  @IsString()
  @Length(1, 20)
  postalCode!: string;

  @ApiProperty({ example: 'GB', description: 'ISO 3166-1 alpha-2' })
  @IsISO31661Alpha2()
  country!: string;
}

export class PreferencesDto {
  @ApiPropertyOptional({ example: 'en-GB' })
  @IsOptional()
  @IsLocale()
  locale?: string;

  @ApiPropertyOptional({ enum: CHANNELS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHANNELS.length)
  @IsIn(CHANNELS, { each: true })
  notificationChannels?: string[];
}

export class PersonalDataView {
  @ApiProperty({ example: 'jane@example.com' }) email!: string;
  @ApiProperty({ example: 'Jane Doe' }) name!: string;
  @ApiPropertyOptional({ example: '+447700900123' }) phone?: string;
  @ApiPropertyOptional({ example: '1990-04-01' }) dateOfBirth?: string;
  @ApiPropertyOptional({ type: AddressDto }) address?: AddressDto;
  @ApiPropertyOptional({ example: 'QQ123456C' }) nationalId?: string;
}

export class PreferencesView {
  @ApiProperty({ example: 'en-GB' }) locale!: string;
  @ApiProperty({ enum: CHANNELS, isArray: true }) notificationChannels!: string[];
}

export class MfaSummaryView {
  @ApiProperty({ example: ['totp', 'recovery_code'], type: [String] }) methods!: string[];
  @ApiProperty({ example: 1 }) passkeys!: number;
}

export class ProfileResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: USER_STATUSES }) status!: string;
  @ApiProperty({ example: ['customer'], type: [String] }) roles!: string[];
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ type: PersonalDataView, nullable: true, description: 'Null once the personal data was erased' }) personalData!: PersonalDataView | null;
  @ApiProperty({ type: PreferencesView }) preferences!: PreferencesView;
  @ApiProperty({ type: MfaSummaryView }) mfa!: MfaSummaryView;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class UpdateProfileRequest {
  @ApiPropertyOptional({ example: 'Jane Doe' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: '+447700900123' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be an E.164 number such as +447700900123' })
  phone?: string;

  @ApiPropertyOptional({ example: '1990-04-01' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'dateOfBirth must be a date (YYYY-MM-DD)' })
  dateOfBirth?: string;

  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;

  @ApiPropertyOptional({ example: 'QQ123456C' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9 -]{4,30}$/, { message: 'nationalId must be 4-30 letters, digits, spaces or dashes' })
  nationalId?: string;

  @ApiPropertyOptional({ type: PreferencesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PreferencesDto)
  preferences?: PreferencesDto;
}

export class ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @Length(1, MAX_PASSWORD_LENGTH * 4)
  currentPassword!: string;

  @ApiProperty({ description: 'At least 12 characters, not a common or breached password' })
  @IsString()
  @Length(1, MAX_PASSWORD_LENGTH * 4)
  newPassword!: string;
}

export class UserDataExportResponse {
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: ProfileResponse }) profile!: ProfileResponse;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) sessions!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) passkeys!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) oauthGrants!: unknown[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true } }) securityEvents!: unknown[];
}
