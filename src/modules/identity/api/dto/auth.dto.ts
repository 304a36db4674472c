import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsIn, IsLocale, IsObject, IsOptional, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { MAX_PASSWORD_LENGTH } from '../../domain/password-policy';

export class RegisterRequest {
  @ApiProperty({ example: 'jane@example.com', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ description: 'At least 12 characters, not a common or breached password', minLength: 1, maxLength: MAX_PASSWORD_LENGTH })
  @IsString()
  @Length(1, MAX_PASSWORD_LENGTH * 4)
  password!: string;

  @ApiProperty({ example: 'Jane Doe', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: '+447700900123', description: 'E.164' })
  @IsOptional()
  @Matches(/^\+[1-9]\d{6,14}$/, { message: 'phone must be an E.164 number such as +447700900123' })
  phone?: string;

  @ApiPropertyOptional({ example: 'en-GB' })
  @IsOptional()
  @IsLocale()
  locale?: string;
}

export class AcceptedResponse {
  @ApiProperty({ example: 'accepted' })
  status!: 'accepted';

  @ApiProperty({ example: 'If the address can be used, a message is on its way.' })
  message!: string;
}

export class OneTimeTokenRequest {
  @ApiProperty({ description: 'The one-time token from the emailed link' })
  @IsString()
  @Length(10, 200)
  token!: string;
}

export class VerifiedResponse {
  @ApiProperty({ example: 'active' })
  status!: 'active';
}

export class LoginRequest {
  @ApiProperty({ example: 'jane@example.com' })
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @Length(1, MAX_PASSWORD_LENGTH * 4)
  password!: string;
}

/** RFC 6749 §5.1 token response. */
export class TokenResponse {
  @ApiProperty({ description: 'ES256-signed JWT (RFC 9068)' })
  access_token!: string;

  @ApiProperty({ example: 'Bearer' })
  token_type!: 'Bearer';

  @ApiProperty({ example: 600 })
  expires_in!: number;

  @ApiPropertyOptional({ description: 'Opaque; rotated on every use; a reused one revokes the whole session' })
  refresh_token?: string;

  @ApiProperty({ example: '', description: 'Granted scopes, space-separated (empty for first-party user sessions)' })
  scope!: string;

  @ApiPropertyOptional({ description: 'OIDC ID token (authorization code grant with the openid scope)' })
  id_token?: string;
}

export class MfaChallengeView {
  @ApiProperty({ description: 'Send it back with the second factor to /v1/auth/login/mfa; single use' })
  challengeToken!: string;

  @ApiProperty({ example: 300 })
  expiresIn!: number;

  @ApiProperty({ example: ['totp', 'recovery_code'], type: [String] })
  methods!: string[];
}

export class LoginResponse {
  @ApiProperty({ enum: ['authenticated', 'mfa_required'] })
  status!: 'authenticated' | 'mfa_required';

  @ApiPropertyOptional({ type: TokenResponse, description: 'When authenticated' })
  tokens?: TokenResponse;

  @ApiPropertyOptional({ type: MfaChallengeView, description: 'When a second factor is required' })
  mfa?: MfaChallengeView;
}

export class SecondFactorRequest {
  @ApiPropertyOptional({ example: '123456', description: 'TOTP code (or send recoveryCode)' })
  @ValidateIf((o: SecondFactorRequest) => o.recoveryCode === undefined)
  @Matches(/^\d{6}$/, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ example: 'ABCD-EFGH-JKMN' })
  @IsOptional()
  @IsString()
  @Length(8, 20)
  recoveryCode?: string;
}

export class MfaLoginRequest extends SecondFactorRequest {
  @ApiProperty()
  @IsString()
  @Length(10, 200)
  challengeToken!: string;
}

/** Just an address: password-reset requests and verification re-sends. */
export class PasswordResetRequest {
  @ApiProperty({ example: 'jane@example.com' })
  @IsString()
  @MaxLength(254)
  email!: string;
}

export class PasswordResetConfirmRequest extends OneTimeTokenRequest {
  @ApiProperty({ description: 'At least 12 characters, not a common or breached password' })
  @IsString()
  @Length(1, MAX_PASSWORD_LENGTH * 4)
  newPassword!: string;
}

export class WebAuthnOptionsResponse {
  @ApiProperty({ description: 'Send it back with the assertion' })
  challengeId!: string;

  @ApiProperty({ description: 'PublicKeyCredentialRequestOptionsJSON for navigator.credentials.get()', type: 'object', additionalProperties: true })
  options!: Record<string, unknown>;
}

export class WebAuthnAssertionRequest {
  @ApiProperty()
  @IsString()
  @Length(10, 200)
  challengeId!: string;

  @ApiProperty({ description: 'AuthenticationResponseJSON from navigator.credentials.get()', type: 'object', additionalProperties: true })
  @IsObject()
  response!: Record<string, unknown>;
}

/** RFC 6749 token request; fields keep their RFC names. Form-encoded or JSON. */
export class TokenRequest {
  @ApiProperty({ enum: ['refresh_token', 'client_credentials', 'authorization_code'] })
  @IsIn(['refresh_token', 'client_credentials', 'authorization_code'], { message: 'grant_type must be refresh_token, client_credentials or authorization_code' })
  grant_type!: 'refresh_token' | 'client_credentials' | 'authorization_code';

  @ApiPropertyOptional({ description: 'client_secret_post (or send HTTP Basic)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  client_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  client_secret?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refresh_token?: string;

  @ApiPropertyOptional({ example: 'accounts:read' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  scope?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  code?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'PKCE verifier (RFC 7636), 43-128 characters' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9._~-]{43,128}$/, { message: 'code_verifier must be 43-128 characters of A-Z a-z 0-9 - . _ ~' })
  code_verifier?: string;
}
