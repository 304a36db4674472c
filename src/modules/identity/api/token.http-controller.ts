import { Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@platform/auth/decorators';
import { ApiProblems } from '@platform/http/api-problems.decorator';
import { FormBody } from '@platform/http/form-body';
import { ApiResult, ValidBody } from '@platform/http/zod-request';
import { IssueToken } from '../application/issue-token/issue-token';
import type { RequestMeta } from '../application/request-meta';
import { TokenRequest, TokenResponse } from './dto/auth.dto';
import { LimitPerIp } from './ip-rate-limit.guard';
import { NoStore } from './no-store';
import { Meta } from './request-meta.decorator';

/** The OAuth 2.0 token endpoint (RFC 6749): form-encoded (or JSON) requests, client auth by HTTP Basic or in the body. */
@ApiTags('auth')
@Public()
@Controller('auth')
export class TokenHttpController {
  constructor(private readonly tokens: IssueToken) {}

  @NoStore()
  @Post('token')
  @HttpCode(200)
  @LimitPerIp('token')
  @ApiOperation({ summary: 'Token endpoint: refresh_token, client_credentials, authorization_code (PKCE S256)' })
  @FormBody()
  @ApiHeader({ name: 'Authorization', required: false, description: 'HTTP Basic client_id:client_secret (client_secret_basic)' })
  @ApiResult(200, TokenResponse)
  @ApiProblems(400, 401, 415)
  async token(
    @ValidBody(TokenRequest) body: TokenRequest,
    @Headers('authorization') authorization: string | undefined,
    @Meta() meta: RequestMeta,
  ): Promise<TokenResponse> {
    const basic = basicCredentials(authorization);
    const result = await this.tokens.execute(
      {
        grantType: body.grant_type,
        clientId: basic?.id ?? body.client_id,
        clientSecret: basic?.secret ?? body.client_secret,
        refreshToken: body.refresh_token,
        scope: body.scope,
        code: body.code,
        redirectUri: body.redirect_uri,
        codeVerifier: body.code_verifier,
      },
      meta,
    );
    return {
      access_token: result.accessToken,
      token_type: 'Bearer',
      expires_in: result.expiresIn,
      scope: result.scope,
      ...(result.refreshToken ? { refresh_token: result.refreshToken } : {}),
      ...(result.idToken ? { id_token: result.idToken } : {}),
    };
  }
}

/** RFC 6749 §2.3.1: both parts form-urlencoded inside the Basic credentials. */
function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header ? /^Basic ([A-Za-z0-9+/=]+)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, colon)), secret: decodeURIComponent(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}
