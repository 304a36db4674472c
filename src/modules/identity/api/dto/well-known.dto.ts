import { z } from 'zod';

/** RFC 7517 JSON Web Key Set of the token-signing keys (public parts only). */
export const JsonWebKeySet = z
  .object({
    keys: z.array(
      z.object({
        kty: z.string().meta({ example: 'EC' }),
        crv: z.string().meta({ example: 'P-256' }),
        x: z.string(),
        y: z.string(),
        kid: z.string(),
        alg: z.string().meta({ example: 'ES256' }),
        use: z.string().meta({ example: 'sig' }),
      }),
    ),
  })
  .meta({ id: 'JsonWebKeySet' });

/** OpenID Connect Discovery 1.0 provider metadata (what this server really supports). */
export const OpenIdConfiguration = z
  .object({
    issuer: z.string(),
    jwks_uri: z.string(),
    authorization_endpoint: z.string(),
    token_endpoint: z.string(),
    grant_types_supported: z.array(z.string()),
    response_types_supported: z.array(z.string()),
    response_modes_supported: z.array(z.string()),
    code_challenge_methods_supported: z.array(z.string()),
    token_endpoint_auth_methods_supported: z.array(z.string()),
    subject_types_supported: z.array(z.string()),
    id_token_signing_alg_values_supported: z.array(z.string()),
    scopes_supported: z.array(z.string()),
    claims_supported: z.array(z.string()),
    access_token_issuer: z.string().describe('Issuer of the RFC 9068 access tokens'),
    access_token_audience: z.string().describe('Audience of the access tokens'),
  })
  .meta({ id: 'OpenIdConfiguration' });
export type OpenIdConfiguration = z.infer<typeof OpenIdConfiguration>;
