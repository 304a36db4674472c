import { Controller, Delete, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { z } from 'zod';
import { ApiAuth, CurrentPrincipal, RequirePermissions, RequiresStepUp } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody, ValidParams } from '@platform/http/zod-request';
import { AssignRoles } from '../application/assign-roles/assign-roles';
import { ChangeUserStatus } from '../application/change-user-status/change-user-status';
import { CloseAccount } from '../application/close-account/close-account';
import { GetProfile, type Profile } from '../application/get-profile/get-profile';
import { ManageSessions } from '../application/manage-sessions/manage-sessions';
import { DisableClient } from '../application/disable-client/disable-client';
import { RegisterClient } from '../application/register-client/register-client';
import type { RequestMeta } from '../application/request-meta';
import { OAuthClients } from '../infrastructure/oauth-clients';
import {
  AssignRolesRequest,
  ChangeStatusRequest,
  ClientIdParams,
  ClientList,
  type ClientView,
  RegisteredClientResponse,
  RegisterClientRequest,
  RolesResponse,
  StatusResponse,
  UserIdParams,
} from './dto/admin.dto';
import { RevokedSessionsResponse } from './dto/sessions.dto';
import { ProfileResponse } from './dto/users.dto';
import { NoStore } from './no-store';
import { Meta } from './request-meta.decorator';

/** Staff operations on users and OAuth clients; every change needs a recent second factor. */
@ApiTags('admin')
@ApiAuth()
@Controller('admin')
export class AdminHttpController {
  constructor(
    private readonly profiles: GetProfile,
    private readonly roles: AssignRoles,
    private readonly statuses: ChangeUserStatus,
    private readonly closing: CloseAccount,
    private readonly sessions: ManageSessions,
    private readonly registerClient: RegisterClient,
    private readonly disableClient: DisableClient,
    private readonly clients: OAuthClients,
  ) {}

  @Get('users/:id')
  @RequirePermissions('users:read')
  @ApiOperation({ operationId: 'getUser', summary: "A user's profile (support, compliance, admin); every read is audited" })
  @ApiResult(200, ProfileResponse)
  @ApiProblems(400, 404)
  user(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(UserIdParams) params: z.output<typeof UserIdParams>,
    @Meta() meta: RequestMeta,
  ): Promise<Profile> {
    return this.profiles.executeForStaff(principal.subject, params.id, meta);
  }

  @Put('users/:id/roles')
  @RequirePermissions('roles:assign')
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'setUserRoles', summary: "Set a user's roles (effective at once in their sessions)" })
  @ApiResult(200, RolesResponse)
  @ApiProblems(400, 404, 422)
  setRoles(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(UserIdParams) params: z.output<typeof UserIdParams>,
    @ValidBody(AssignRolesRequest) body: AssignRolesRequest,
    @Meta() meta: RequestMeta,
  ): Promise<RolesResponse> {
    return this.roles.execute(principal.subject, params.id, body.roles, meta);
  }

  @Put('users/:id/status')
  @RequirePermissions('users:write')
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'setUserStatus', summary: 'Lock, disable or reactivate an account (locking ends its sessions)' })
  @ApiResult(200, StatusResponse)
  @ApiProblems(400, 404, 422)
  setStatus(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(UserIdParams) params: z.output<typeof UserIdParams>,
    @ValidBody(ChangeStatusRequest) body: ChangeStatusRequest,
    @Meta() meta: RequestMeta,
  ): Promise<StatusResponse> {
    return this.statuses.execute(principal.subject, params.id, body.status, meta);
  }

  @Delete('users/:id/sessions')
  @RequirePermissions('sessions:revoke')
  @ApiOperation({ operationId: 'revokeUserSessions', summary: 'Sign a user out everywhere' })
  @ApiResult(200, RevokedSessionsResponse)
  @ApiProblems(400)
  async revokeSessions(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(UserIdParams) params: z.output<typeof UserIdParams>,
    @Meta() meta: RequestMeta,
  ): Promise<RevokedSessionsResponse> {
    return { revoked: await this.sessions.revokeAll(principal, params.id, meta) };
  }

  @Delete('users/:id')
  @HttpCode(204)
  @RequirePermissions('users:erase')
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'eraseUser', summary: 'GDPR erasure on request: close the account and destroy its data key' })
  @ApiNoContentResponse({ description: 'Closed and erased' })
  @ApiProblems(400, 404, 409)
  async erase(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(UserIdParams) params: z.output<typeof UserIdParams>,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.closing.execute(principal.subject, params.id, meta);
  }

  @NoStore()
  @Post('oauth-clients')
  @RequirePermissions('clients:manage')
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'registerOAuthClient', summary: "Register an OAuth client (a confidential client's secret is shown once)" })
  @ApiResult(201, RegisteredClientResponse)
  @ApiProblems(400)
  createClient(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(RegisterClientRequest) body: RegisterClientRequest,
    @Meta() meta: RequestMeta,
  ): Promise<RegisteredClientResponse> {
    return this.registerClient.execute(principal.subject, { ...body, redirectUris: body.redirectUris ?? [] }, meta);
  }

  @Get('oauth-clients')
  @RequirePermissions('clients:manage')
  @ApiOperation({ operationId: 'listOAuthClients', summary: 'Registered OAuth clients (never their secrets)' })
  @ApiResult(200, ClientList)
  listClients(): Promise<ClientView[]> {
    return this.clients.list();
  }

  @Delete('oauth-clients/:id')
  @HttpCode(204)
  @RequirePermissions('clients:manage')
  @RequiresStepUp(300)
  @ApiOperation({ operationId: 'disableOAuthClient', summary: 'Disable a client: no new tokens; its user sessions end' })
  @ApiNoContentResponse({ description: 'Disabled' })
  @ApiProblems(400, 404)
  async removeClient(
    @CurrentPrincipal() principal: Principal,
    @ValidParams(ClientIdParams) params: z.output<typeof ClientIdParams>,
    @Meta() meta: RequestMeta,
  ): Promise<void> {
    await this.disableClient.execute(principal.subject, params.id, meta);
  }
}
