import { Controller, Delete, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody } from '@platform/http/zod-request';
import { ChangePassword } from '../application/change-password/change-password';
import { CloseAccount } from '../application/close-account/close-account';
import { ExportUserData, type UserDataExport } from '../application/export-user-data/export-user-data';
import { GetProfile, type Profile } from '../application/get-profile/get-profile';
import { RecentAuthentication } from '../application/recent-authentication';
import type { RequestMeta } from '../application/request-meta';
import { UpdateProfile } from '../application/update-profile/update-profile';
import { ChangePasswordRequest, ProfileResponse, UpdateProfileRequest, UserDataExportResponse } from './dto/users.dto';
import { NoStore } from './no-store';
import { Meta } from './request-meta.decorator';
import { userOf } from '@platform/auth/ownership';
import { sessionOf } from './principal-user';

/** The signed-in user's own account: profile, preferences, password, GDPR export and erasure. */
@ApiTags('users')
@ApiAuth()
@Controller('users/me')
export class UsersHttpController {
  constructor(
    private readonly profiles: GetProfile,
    private readonly updates: UpdateProfile,
    private readonly passwords: ChangePassword,
    private readonly exports: ExportUserData,
    private readonly closing: CloseAccount,
    private readonly recent: RecentAuthentication,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'getMyProfile', summary: 'My profile (personal data decrypted), preferences and MFA summary' })
  @ApiResult(200, ProfileResponse)
  @ApiProblems(403, 404)
  me(@CurrentPrincipal() principal: Principal): Promise<Profile> {
    return this.profiles.execute(userOf(principal));
  }

  @Patch()
  @ApiOperation({ operationId: 'updateMyProfile', summary: 'Change my profile and preferences (email changes are not supported here)' })
  @ApiResult(200, ProfileResponse)
  @ApiProblems(400, 403, 404)
  async update(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(UpdateProfileRequest) body: UpdateProfileRequest,
    @Meta() meta: RequestMeta,
  ): Promise<Profile> {
    await this.updates.execute(userOf(principal), body, meta);
    return this.profiles.execute(userOf(principal));
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ operationId: 'changeMyPassword', summary: 'Change my password (current one required); my other sessions end' })
  @ApiNoContentResponse({ description: 'Changed' })
  @ApiProblems(400, 403, 404, 503)
  async changePassword(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(ChangePasswordRequest) body: ChangePasswordRequest,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.passwords.execute(userOf(principal), principal.sessionId, body, meta);
  }

  @NoStore()
  @Get('export')
  @ApiOperation({
    operationId: 'exportMyData',
    summary: 'GDPR export of everything identity holds about me (needs a recent second factor, or a recent sign-in without MFA)',
  })
  @ApiResult(200, UserDataExportResponse)
  @ApiProblems(403, 404)
  async export(@CurrentPrincipal() principal: Principal, @Meta() meta: RequestMeta): Promise<UserDataExport> {
    const { userId, sessionId } = sessionOf(principal);
    await this.recent.assert(userId, sessionId);
    return this.exports.execute(userId, meta);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({
    operationId: 'closeMyAccount',
    summary: 'Close my account and erase my personal data (crypto-shredding); needs a recent second factor, or a recent sign-in without MFA',
  })
  @ApiNoContentResponse({ description: 'Closed and erased' })
  @ApiProblems(403, 404, 409)
  async close(@CurrentPrincipal() principal: Principal, @Meta() meta: RequestMeta): Promise<void> {
    const { userId, sessionId } = sessionOf(principal);
    await this.recent.assert(userId, sessionId);
    await this.closing.execute(userId, userId, meta);
  }
}
