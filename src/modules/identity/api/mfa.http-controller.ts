import { Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal, RequiresStepUp } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { ManageTotp } from '../application/manage-totp/manage-totp';
import { Passkeys, type PasskeyView as Passkey } from '../application/passkeys/passkeys';
import { RecentAuthentication } from '../application/recent-authentication';
import type { RequestMeta } from '../application/request-meta';
import { StepUp } from '../application/step-up/step-up';
import { SecondFactorRequest, WebAuthnAssertionRequest, WebAuthnOptionsResponse } from './dto/auth.dto';
import {
  PasskeyCreatedResponse,
  PasskeyIdParams,
  PasskeyRegistrationRequest,
  PasskeyList,
  RecoveryCodesResponse,
  StepUpResponse,
  TotpCodeRequest,
  TotpEnrolmentResponse,
  WebAuthnCreationOptionsResponse,
} from './dto/mfa.dto';
import { NoStore } from './no-store';
import { Meta } from './request-meta.decorator';
import { userOf } from '@platform/auth/ownership';
import { sessionOf } from './principal-user';

/** My second factors: authenticator app (TOTP), recovery codes, passkeys, and step-up. */
@ApiTags('mfa')
@ApiAuth()
@Controller('mfa')
export class MfaHttpController {
  constructor(
    private readonly totp: ManageTotp,
    private readonly stepUps: StepUp,
    private readonly passkeys: Passkeys,
    private readonly recent: RecentAuthentication,
  ) {}

  @NoStore()
  @Post('totp')
  @ApiOperation({
    operationId: 'enrolTotp',
    summary: 'Start setting up an authenticator app: secret and otpauth:// URI for a QR code (needs a recent sign-in or second factor)',
  })
  @ApiResult(201, TotpEnrolmentResponse)
  @ApiProblems(403, 404, 409)
  async enrol(@CurrentPrincipal() principal: Principal): Promise<TotpEnrolmentResponse> {
    const { userId, sessionId } = sessionOf(principal);
    await this.recent.assert(userId, sessionId);
    return this.totp.enrol(userId);
  }

  @NoStore()
  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({ operationId: 'confirmTotp', summary: 'Confirm the authenticator app with a first code; returns recovery codes (shown once)' })
  @ApiResult(200, RecoveryCodesResponse)
  @ApiProblems(400, 403, 409)
  confirm(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(TotpCodeRequest) body: TotpCodeRequest,
    @Meta() meta: RequestMeta,
  ): Promise<RecoveryCodesResponse> {
    const { userId, sessionId } = sessionOf(principal);
    return this.totp.confirm(userId, sessionId, body.code, meta);
  }

  @Delete('totp')
  @HttpCode(204)
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'removeTotp', summary: 'Remove the authenticator app and recovery codes (needs a recent second factor)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(403, 422)
  async remove(@CurrentPrincipal() principal: Principal, @Meta() meta: RequestMeta): Promise<void> {
    await this.totp.remove(userOf(principal), meta);
  }

  @NoStore()
  @Post('recovery-codes')
  @HttpCode(200)
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'regenerateRecoveryCodes', summary: 'Replace my recovery codes (needs a recent second factor)' })
  @ApiResult(200, RecoveryCodesResponse)
  @ApiProblems(403, 422)
  regenerate(@CurrentPrincipal() principal: Principal, @Meta() meta: RequestMeta): Promise<RecoveryCodesResponse> {
    return this.totp.regenerateRecoveryCodes(userOf(principal), meta);
  }

  @Post('step-up')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm a second factor now (TOTP or recovery code) for sensitive operations in this session' })
  @ApiResult(200, StepUpResponse)
  @ApiProblems(400, 403, 422, 429)
  stepUp(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(SecondFactorRequest) body: SecondFactorRequest,
    @Meta() meta: RequestMeta,
  ): Promise<StepUpResponse> {
    const { userId, sessionId } = sessionOf(principal);
    return this.stepUps.execute(userId, sessionId, body, meta);
  }

  @Post('step-up/webauthn/options')
  @HttpCode(200)
  @ApiOperation({ operationId: 'getStepUpPasskeyOptions', summary: 'Start a step-up with one of my passkeys' })
  @ApiResult(200, WebAuthnOptionsResponse)
  @ApiProblems(403, 422)
  async stepUpOptions(@CurrentPrincipal() principal: Principal): Promise<WebAuthnOptionsResponse> {
    const { challengeId, options } = await this.passkeys.stepUpOptions(userOf(principal));
    return { challengeId, options: options as unknown as Record<string, unknown> };
  }

  @Post('step-up/webauthn/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Finish a step-up with the passkey assertion' })
  @ApiResult(200, StepUpResponse)
  @ApiProblems(400, 403)
  stepUpWithPasskey(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(WebAuthnAssertionRequest) body: WebAuthnAssertionRequest,
    @Meta() meta: RequestMeta,
  ): Promise<StepUpResponse> {
    const { userId, sessionId } = sessionOf(principal);
    return this.passkeys.stepUpWithPasskey(userId, sessionId, body.challengeId, body.response as unknown as AuthenticationResponseJSON, meta);
  }

  @Post('webauthn/registration/options')
  @HttpCode(200)
  @ApiOperation({
    operationId: 'getPasskeyRegistrationOptions',
    summary: 'Start registering a passkey (user verification required; needs a recent sign-in or second factor)',
  })
  @ApiResult(200, WebAuthnCreationOptionsResponse)
  @ApiProblems(403, 404)
  async registrationOptions(@CurrentPrincipal() principal: Principal): Promise<WebAuthnCreationOptionsResponse> {
    const { userId, sessionId } = sessionOf(principal);
    await this.recent.assert(userId, sessionId);
    return { options: (await this.passkeys.registrationOptions(userId)) as unknown as Record<string, unknown> };
  }

  @Post('webauthn/registration/verify')
  @ApiOperation({ operationId: 'registerPasskey', summary: 'Finish registering a passkey with the authenticator attestation' })
  @ApiResult(201, PasskeyCreatedResponse)
  @ApiProblems(400, 403, 409)
  register(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(PasskeyRegistrationRequest) body: PasskeyRegistrationRequest,
    @Meta() meta: RequestMeta,
  ): Promise<PasskeyCreatedResponse> {
    return this.passkeys.register(userOf(principal), body.response as unknown as RegistrationResponseJSON, body.name ?? 'Passkey', meta);
  }

  @Get('webauthn/credentials')
  @ApiOperation({ operationId: 'listPasskeys', summary: 'My passkeys' })
  @ApiResult(200, PasskeyList)
  @ApiProblems(403)
  list(@CurrentPrincipal() principal: Principal): Promise<Passkey[]> {
    return this.passkeys.list(userOf(principal));
  }

  @Delete('webauthn/credentials/:id')
  @HttpCode(204)
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'removePasskey', summary: 'Remove one of my passkeys (needs a recent second factor)' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiProblems(400, 403, 404)
  async removePasskey(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(PasskeyIdParams) params: z.output<typeof PasskeyIdParams>,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.passkeys.remove(userOf(principal), params.id, meta);
  }
}
