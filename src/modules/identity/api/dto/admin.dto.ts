import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsString, IsUrl, IsUUID, Length, Matches } from 'class-validator';
import { ROLES } from '../../../../platform/auth/principal';
import { ADMIN_SETTABLE_STATUSES } from '../../domain/user-status';

export class UserIdParams {
  @IsUUID()
  id!: string;
}

export class AssignRolesRequest {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['customer', 'support'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ROLES.length)
  @IsIn(ROLES, { each: true })
  roles!: Array<(typeof ROLES)[number]>;
}

export class RolesResponse {
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: string[];
}

export class ChangeStatusRequest {
  @ApiProperty({ enum: ADMIN_SETTABLE_STATUSES })
  @IsIn(ADMIN_SETTABLE_STATUSES)
  status!: (typeof ADMIN_SETTABLE_STATUSES)[number];
}

export class StatusResponse {
  @ApiProperty({ enum: ADMIN_SETTABLE_STATUSES }) status!: string;
}

const SCOPE = /^[a-z][a-z_]*:[a-z][a-z_]*$|^openid$/;

export class RegisterClientRequest {
  @ApiProperty({ example: 'Partner reporting' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: ['confidential', 'public'], description: 'public: a browser app without a secret (authorization code + PKCE only)' })
  @IsIn(['confidential', 'public'])
  type!: 'confidential' | 'public';

  @ApiProperty({ example: ['accounts:read'], type: [String], description: 'Permissions the client may be granted (`area:action`), or `openid`' })
  @IsArray()
  @ArrayMaxSize(50)
  @Matches(SCOPE, { each: true, message: 'each scope must look like area:action (or be openid)' })
  scopes!: string[];

  @ApiProperty({ enum: ['client_credentials', 'authorization_code'], isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(['client_credentials', 'authorization_code'], { each: true })
  grantTypes!: Array<'client_credentials' | 'authorization_code'>;

  @ApiPropertyOptional({ type: [String], example: ['https://app.skyro.dev/callback'], description: 'Exact redirect URIs (authorization code)' })
  @IsArray()
  @ArrayMaxSize(10)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['https', 'http'] }, { each: true, message: 'each redirect URI must be an absolute http(s) URL' })
  redirectUris: string[] = [];
}

export class ClientView {
  @ApiProperty({ example: 'cl_2k3j4h5g6f7d8s9a' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['confidential', 'public'] }) type!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ type: [String] }) grantTypes!: string[];
  @ApiProperty({ type: [String] }) redirectUris!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() disabled!: boolean;
}

export class RegisteredClientResponse {
  @ApiProperty({ type: ClientView }) client!: ClientView;
  @ApiPropertyOptional({ description: 'Confidential clients only. Shown once; store it in a secret manager' }) clientSecret?: string;
}

export class ClientIdParams {
  @Matches(/^cl_[A-Za-z0-9_-]{1,60}$/, { message: 'id must be a client id' })
  id!: string;
}

export class AuthorizeRequestDto {
  @ApiProperty({ enum: ['code'] })
  @IsIn(['code'], { message: 'response_type must be code' })
  response_type!: 'code';

  @ApiProperty()
  @IsString()
  @Length(1, 100)
  client_id!: string;

  @ApiProperty({ example: 'https://app.skyro.dev/callback' })
  @IsString()
  @Length(1, 2000)
  redirect_uri!: string;

  @ApiProperty({ description: 'BASE64URL(SHA-256(code_verifier))' })
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'code_challenge must be a base64url SHA-256 (43 characters)' })
  code_challenge!: string;

  @ApiProperty({ enum: ['S256'], description: 'Only S256' })
  @IsIn(['S256'], { message: 'code_challenge_method must be S256' })
  code_challenge_method!: 'S256';

  @ApiPropertyOptional({ example: 'openid accounts:read' })
  @IsString()
  @Length(0, 1000)
  scope: string = '';

  @ApiPropertyOptional()
  @IsString()
  @Length(0, 500)
  state: string = '';

  @ApiPropertyOptional()
  @IsString()
  @Length(0, 500)
  nonce: string = '';
}

export class AuthorizeResponse {
  @ApiProperty({ description: 'redirect_uri with code (and state) added: send the browser there' }) redirectTo!: string;
  @ApiProperty() code!: string;
  @ApiPropertyOptional() state?: string;
}
