import { ApiProperty } from '@nestjs/swagger';
import { IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';

export class TotpEnrolmentResponse {
  @ApiProperty({ description: 'Base32 secret, for manual entry' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/Skyro:jane%40example.com?issuer=Skyro&secret=...&algorithm=SHA1&digits=6&period=30', description: 'Render as a QR code' }) otpauthUri!: string;
}

export class TotpCodeRequest {
  @ApiProperty({ example: '123456' })
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code!: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({ type: [String], description: 'Single-use codes, shown once: store them safely' }) recoveryCodes!: string[];
}

export class StepUpResponse {
  @ApiProperty({ format: 'date-time' }) secondFactorAt!: string;
}

export class PasskeyRegistrationRequest {
  @ApiProperty({ description: 'RegistrationResponseJSON from navigator.credentials.create()', type: 'object', additionalProperties: true })
  @IsObject()
  response!: Record<string, unknown>;

  @ApiProperty({ example: 'iPhone', required: false })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  name?: string;
}

export class PasskeyCreatedResponse {
  @ApiProperty({ description: 'Credential id (base64url)' }) id!: string;
}

export class PasskeyView {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'iPhone' }) name!: string;
  @ApiProperty({ enum: ['singleDevice', 'multiDevice'] }) deviceType!: string;
  @ApiProperty() backedUp!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) lastUsedAt!: string | null;
}

export class PasskeyIdParams {
  @Matches(/^[A-Za-z0-9_-]{16,1400}$/, { message: 'id must be a base64url credential id' })
  id!: string;
}

export class WebAuthnCreationOptionsResponse {
  @ApiProperty({ description: 'PublicKeyCredentialCreationOptionsJSON for navigator.credentials.create()', type: 'object', additionalProperties: true })
  options!: Record<string, unknown>;
}
