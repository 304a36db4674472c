import { Controller, Delete, Get, HttpCode } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidParams } from '@platform/http/zod-request';
import { ManageSessions } from '../application/manage-sessions/manage-sessions';
import type { RequestMeta } from '../application/request-meta';
import { RevokedSessionsResponse, SessionIdParams, SessionList, type SessionView } from './dto/sessions.dto';
import { Meta } from './request-meta.decorator';
import { userOf } from '@platform/auth/ownership';

/** My sessions: where I am signed in, and signing out there (or everywhere). */
@ApiTags('sessions')
@ApiAuth()
@Controller('sessions')
export class SessionsHttpController {
  constructor(private readonly sessions: ManageSessions) {}

  @Get()
  @ApiOperation({ summary: 'My live sessions, most recently used first' })
  @ApiResult(200, SessionList)
  @ApiProblems(403)
  async list(@CurrentPrincipal() principal: Principal): Promise<SessionView[]> {
    return (await this.sessions.list(userOf(principal))).map((s) => ({
      id: s.id,
      current: s.id === principal.sessionId,
      device: s.userAgent,
      ip: s.ip,
      createdAt: new Date(s.createdAt).toISOString(),
      lastSeenAt: new Date(s.lastSeenAt).toISOString(),
      secondFactorAt: s.secondFactorAt === null ? null : new Date(s.secondFactorAt).toISOString(),
    }));
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: "Sign out one session (mine; staff with sessions:revoke: anyone's); its tokens stop at once" })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiProblems(400, 404)
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(SessionIdParams) params: z.output<typeof SessionIdParams>,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.sessions.revoke(principal, params.id, meta);
  }

  @Delete()
  @ApiOperation({ summary: 'Sign out everywhere, this session included' })
  @ApiResult(200, RevokedSessionsResponse)
  @ApiProblems(403)
  async revokeAll(@CurrentPrincipal() principal: Principal, @Meta() meta: RequestMeta): Promise<RevokedSessionsResponse> {
    return { revoked: await this.sessions.revokeAll(principal, userOf(principal), meta) };
  }
}
