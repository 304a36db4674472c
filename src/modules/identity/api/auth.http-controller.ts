import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Public } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody } from '@platform/http/zod-request';
import { CompleteMfaLogin } from '../application/complete-mfa-login/complete-mfa-login';
import { Login } from '../application/login/login';
import { Passkeys } from '../application/passkeys/passkeys';
import type { RequestMeta } from '../application/request-meta';
import { RegisterUser } from '../application/register-user/register-user';
import { ResetPassword } from '../application/reset-password/reset-password';
import { VerifyEmail } from '../application/verify-email/verify-email';
import type { TokenSet } from '../infrastructure/session-tokens';
import {
  AcceptedResponse,
  LoginRequest,
  LoginResponse,
  MfaLoginRequest,
  OneTimeTokenRequest,
  PasswordResetConfirmRequest,
  PasswordResetRequest,
  RegisterRequest,
  TokenResponse,
  VerifiedResponse,
  WebAuthnAssertionRequest,
  WebAuthnOptionsResponse,
} from './dto/auth.dto';
import { LimitPerIp } from './ip-rate-limit.guard';
import { NoStore } from './no-store';
import { Meta } from './request-meta.decorator';

const ACCEPTED: AcceptedResponse = { status: 'accepted', message: 'If the address can be used, a message is on its way.' };

export function tokenResponse(tokens: Pick<TokenSet, 'accessToken' | 'expiresIn' | 'refreshToken' | 'scopes'>): TokenResponse {
  return {
    access_token: tokens.accessToken,
    token_type: 'Bearer',
    expires_in: tokens.expiresIn,
    refresh_token: tokens.refreshToken,
    scope: tokens.scopes.join(' '),
  };
}

/** Public sign-up and sign-in endpoints (the only identity routes Kong exposes without a token). */
@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthHttpController {
  constructor(
    private readonly register: RegisterUser,
    private readonly verifyEmail: VerifyEmail,
    private readonly login: Login,
    private readonly mfaLogin: CompleteMfaLogin,
    private readonly resetPassword: ResetPassword,
    private readonly passkeys: Passkeys,
  ) {}

  @Post('register')
  @HttpCode(202)
  @LimitPerIp('register')
  @ApiOperation({ operationId: 'signUp', summary: 'Sign up; a verification link is emailed (same answer for an address already registered)' })
  @ApiResult(202, AcceptedResponse, 'Accepted')
  @ApiProblems(400, 415, 503)
  async signUp(@ValidBody(RegisterRequest) body: RegisterRequest, @Meta() meta: RequestMeta): Promise<AcceptedResponse> {
    await this.register.execute(body, meta);
    return ACCEPTED;
  }

  @Post('verify-email')
  @HttpCode(200)
  @LimitPerIp('verify-email')
  @ApiOperation({ operationId: 'verifyEmail', summary: 'Redeem the emailed verification token; the account becomes active' })
  @ApiResult(200, VerifiedResponse)
  @ApiProblems(400)
  verify(@ValidBody(OneTimeTokenRequest) body: OneTimeTokenRequest, @Meta() meta: RequestMeta): Promise<VerifiedResponse> {
    return this.verifyEmail.execute(body.token, meta);
  }

  @Post('verify-email/resend')
  @HttpCode(202)
  @LimitPerIp('verify-email-resend')
  @ApiOperation({ operationId: 'resendVerificationEmail', summary: 'Email a new verification link to a pending account (same answer for any address)' })
  @ApiResult(202, AcceptedResponse, 'Accepted')
  @ApiProblems(400)
  async resendVerification(@ValidBody(PasswordResetRequest) body: PasswordResetRequest): Promise<AcceptedResponse> {
    await this.verifyEmail.resend(body.email);
    return ACCEPTED;
  }

  @NoStore()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ operationId: 'signIn', summary: 'Sign in with email and password: tokens, or an MFA challenge when a second factor is set up' })
  @ApiResult(200, LoginResponse)
  @ApiProblems(400, 401, 403, 429, 503)
  async signIn(@ValidBody(LoginRequest) body: LoginRequest, @Meta() meta: RequestMeta): Promise<LoginResponse> {
    const result = await this.login.execute(body, meta);
    if (result.status === 'mfa_required') {
      return {
        status: 'mfa_required',
        mfa: { challengeToken: result.challenge.token, expiresIn: result.challenge.expiresIn, methods: result.challenge.methods },
      };
    }
    return { status: 'authenticated', tokens: tokenResponse(result.tokens) };
  }

  @NoStore()
  @Post('login/mfa')
  @HttpCode(200)
  @ApiOperation({ operationId: 'completeMfaSignIn', summary: 'Finish an MFA sign-in with a TOTP code or a recovery code' })
  @ApiResult(200, TokenResponse)
  @ApiProblems(400, 401, 403, 429)
  async signInMfa(@ValidBody(MfaLoginRequest) body: MfaLoginRequest, @Meta() meta: RequestMeta): Promise<TokenResponse> {
    return tokenResponse(await this.mfaLogin.execute(body, meta));
  }

  @Post('password-reset/request')
  @HttpCode(202)
  @LimitPerIp('password-reset')
  @ApiOperation({ operationId: 'requestPasswordReset', summary: 'Email a password-reset link (same answer for unknown addresses)' })
  @ApiResult(202, AcceptedResponse, 'Accepted')
  @ApiProblems(400)
  async requestReset(@ValidBody(PasswordResetRequest) body: PasswordResetRequest, @Meta() meta: RequestMeta): Promise<AcceptedResponse> {
    await this.resetPassword.request(body.email, meta);
    return ACCEPTED;
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @LimitPerIp('password-reset-confirm')
  @ApiOperation({ operationId: 'confirmPasswordReset', summary: 'Set a new password with the emailed token; every session ends' })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiProblems(400, 503)
  async confirmReset(@ValidBody(PasswordResetConfirmRequest) body: PasswordResetConfirmRequest, @Meta() meta: RequestMeta): Promise<void> {
    await this.resetPassword.confirm(body.token, body.newPassword, meta);
  }

  @Post('webauthn/login/options')
  @HttpCode(200)
  @LimitPerIp('webauthn')
  @ApiOperation({ operationId: 'getPasskeySignInOptions', summary: 'Start a passkey sign-in (discoverable credentials: no email needed)' })
  @ApiResult(200, WebAuthnOptionsResponse)
  async passkeyOptions(): Promise<WebAuthnOptionsResponse> {
    const { challengeId, options } = await this.passkeys.loginOptions();
    return { challengeId, options: options as unknown as Record<string, unknown> };
  }

  @NoStore()
  @Post('webauthn/login/verify')
  @HttpCode(200)
  @LimitPerIp('webauthn')
  @ApiOperation({ operationId: 'signInWithPasskey', summary: 'Finish a passkey sign-in with the authenticator assertion' })
  @ApiResult(200, TokenResponse)
  @ApiProblems(400, 403)
  async passkeyLogin(@ValidBody(WebAuthnAssertionRequest) body: WebAuthnAssertionRequest, @Meta() meta: RequestMeta): Promise<TokenResponse> {
    return tokenResponse(await this.passkeys.login(body.challengeId, body.response as unknown as AuthenticationResponseJSON, meta));
  }
}
