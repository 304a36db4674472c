import { Controller, Get, Header, Inject, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { KeyRing, TOKEN_ALGORITHM } from '@platform/auth/key-ring';
import { Public } from '@platform/auth/decorators';
import { APP_CONFIG, type AppConfig } from '@platform/config/app-config';
import { ApiResult } from '@platform/http/zod-request';
import { JsonWebKeySet, OpenIdConfiguration } from './dto/well-known.dto';

/**
 * Published key set and OIDC discovery, so Kong's JWT/OIDC plugin (and any relying party)
 * verifies our tokens at the edge. Every configured key is listed: during a rotation the
 * old key keeps verifying until its tokens have expired.
 */
@ApiTags('auth')
@Public()
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class WellKnownHttpController {
  constructor(
    private readonly keys: KeyRing,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ operationId: 'getJwks', summary: 'JSON Web Key Set (RFC 7517) of the token-signing keys' })
  @ApiResult(200, JsonWebKeySet)
  jwks(): { keys: unknown[] } {
    return { keys: [...this.keys.publicJwks] };
  }

  @Get('openid-configuration')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ operationId: 'getOpenIdConfiguration', summary: 'OpenID Connect discovery document (what this server really supports)' })
  @ApiResult(200, OpenIdConfiguration)
  openidConfiguration(): OpenIdConfiguration {
    const issuer = this.config.auth.issuer.replace(/\/$/, '');
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      authorization_endpoint: `${issuer}/v1/oauth/authorize`,
      token_endpoint: `${issuer}/v1/auth/token`,
      grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [TOKEN_ALGORITHM],
      scopes_supported: ['openid'],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr'],
      // Access tokens are RFC 9068 JWTs for this audience, signed with the same keys.
      access_token_issuer: issuer,
      access_token_audience: this.config.auth.audience,
    };
  }
}
