import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth, CurrentPrincipal } from '@platform/auth/decorators';
import type { Principal } from '@platform/auth/principal';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { ApiResult, ValidBody } from '@platform/http/zod-request';
import { AuthorizeClient } from '../application/authorize-client/authorize-client';
import type { RequestMeta } from '../application/request-meta';
import { AuthorizeRequest, AuthorizeResponse } from './dto/admin.dto';
import { NoStore } from './no-store';
import { Meta } from './request-meta.decorator';

/** Authorization endpoint of the code + PKCE flow for first-party web apps. */
@ApiTags('auth')
@ApiAuth()
@Controller('oauth')
export class OAuthHttpController {
  constructor(private readonly authorizeClient: AuthorizeClient) {}

  @NoStore()
  @Post('authorize')
  @HttpCode(200)
  @ApiOperation({ operationId: 'authorize', summary: 'The signed-in user authorizes a registered first-party client: a single-use code for its redirect URI' })
  @ApiResult(200, AuthorizeResponse)
  @ApiProblems(400, 403)
  authorize(
    @CurrentPrincipal() principal: Principal,
    @ValidBody(AuthorizeRequest) body: AuthorizeRequest,
    @Meta() meta: RequestMeta,
  ): Promise<AuthorizeResponse> {
    return this.authorizeClient.execute(
      principal,
      {
        clientId: body.client_id,
        redirectUri: body.redirect_uri,
        codeChallenge: body.code_challenge,
        ...(body.scope ? { scope: body.scope } : {}),
        ...(body.state ? { state: body.state } : {}),
        ...(body.nonce ? { nonce: body.nonce } : {}),
      },
      meta,
    );
  }
}
