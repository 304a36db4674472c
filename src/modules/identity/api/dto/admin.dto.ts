import { z } from 'zod';
import { Id, singleLineText, Timestamp } from '@shared-kernel';
import { ROLES } from '@platform/auth/principal';
import { ADMIN_SETTABLE_STATUSES } from '@modules/identity/domain/user-status';
import { oauthText } from './fields';

export const UserIdParams = z.strictObject({ id: Id });

export const AssignRolesRequest = z
  .strictObject({
    roles: z
      .array(z.enum(ROLES))
      .min(1)
      .max(ROLES.length)
      .meta({ example: ['customer', 'support'] }),
  })
  .meta({ id: 'AssignRolesRequest' });
export type AssignRolesRequest = z.infer<typeof AssignRolesRequest>;

export const RolesResponse = z.object({ roles: z.array(z.enum(ROLES)) }).meta({ id: 'RolesResponse' });
export type RolesResponse = z.infer<typeof RolesResponse>;

export const ChangeStatusRequest = z.strictObject({ status: z.enum(ADMIN_SETTABLE_STATUSES) }).meta({ id: 'ChangeStatusRequest' });
export type ChangeStatusRequest = z.infer<typeof ChangeStatusRequest>;

export const StatusResponse = z.object({ status: z.enum(ADMIN_SETTABLE_STATUSES) }).meta({ id: 'StatusResponse' });
export type StatusResponse = z.infer<typeof StatusResponse>;

const CLIENT_TYPES = ['confidential', 'public'] as const;
const CLIENT_GRANT_TYPES = ['client_credentials', 'authorization_code'] as const;

const Scope = z.string().regex(/^[a-z][a-z_]*:[a-z][a-z_]*$|^openid$/, 'must look like area:action (or be openid)');

/*
 * An absolute http(s) URL, stated as one pattern so the document says what the server takes:
 * a host name whose last label starts with a letter (a WHATWG URL parser reads an all-digit
 * last label as an IPv4 address and refuses most of them) or a dotted IPv4 address, a port of
 * at most 4 digits, then any path, query and fragment without spaces or control characters.
 */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const REDIRECT_URI = new RegExp(
  `^https?://(?:(?:[A-Za-z0-9-]+\\.)*[A-Za-z][A-Za-z0-9-]*|${OCTET}(?:\\.${OCTET}){3})(?::[0-9]{1,4})?(?:[/?#][^\\s\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029]*)?$`,
);

const RedirectUri = z
  .string()
  .max(2000)
  .regex(REDIRECT_URI, 'must be an absolute http(s) URL')
  .refine((value) => URL.canParse(value), 'must be an absolute http(s) URL')
  .meta({ example: 'https://app.skyro.dev/callback' });

export const RegisterClientRequest = z
  .strictObject({
    name: singleLineText(1, 100).meta({ example: 'Partner reporting' }),
    type: z.enum(CLIENT_TYPES).describe('public: a browser app without a secret (authorization code + PKCE only)'),
    scopes: z
      .array(Scope)
      .max(50)
      .meta({ example: ['accounts:read'], description: 'Permissions the client may be granted (`area:action`), or `openid`' }),
    grantTypes: z.array(z.enum(CLIENT_GRANT_TYPES)).min(1),
    redirectUris: z.array(RedirectUri).max(10).optional().describe('Exact redirect URIs (authorization code); none by default'),
  })
  .meta({ id: 'RegisterClientRequest' });
export type RegisterClientRequest = z.infer<typeof RegisterClientRequest>;

export const ClientView = z
  .object({
    id: z.string().meta({ example: 'cl_2k3j4h5g6f7d8s9a' }),
    name: z.string(),
    type: z.enum(CLIENT_TYPES),
    scopes: z.array(z.string()),
    grantTypes: z.array(z.string()),
    redirectUris: z.array(z.string()),
    createdAt: Timestamp,
    disabled: z.boolean(),
  })
  .meta({ id: 'ClientView' });
export type ClientView = z.infer<typeof ClientView>;

export const ClientList = z.array(ClientView);

export const RegisteredClientResponse = z
  .object({
    client: ClientView,
    clientSecret: z.string().optional().describe('Confidential clients only. Shown once; store it in a secret manager'),
  })
  .meta({ id: 'RegisteredClientResponse' });
export type RegisteredClientResponse = z.infer<typeof RegisteredClientResponse>;

export const ClientIdParams = z.strictObject({ id: z.string().regex(/^cl_[A-Za-z0-9_-]{1,60}$/, 'must be a client id') });

/** The authorization request of the code flow (RFC 6749 §4.1.1 with PKCE, RFC 7636); fields keep their RFC names. */
export const AuthorizeRequest = z
  .strictObject({
    response_type: z.literal('code', { error: 'must be code' }),
    client_id: oauthText(1, 100),
    redirect_uri: oauthText(1, 2000).meta({ example: 'https://app.skyro.dev/callback' }),
    code_challenge: z
      .string()
      .regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256 (43 characters)')
      .describe('BASE64URL(SHA-256(code_verifier))'),
    code_challenge_method: z.literal('S256', { error: 'must be S256' }).describe('Only S256'),
    scope: oauthText(0, 1000).optional().meta({ example: 'openid accounts:read' }),
    state: oauthText(0, 500).optional(),
    nonce: oauthText(0, 500).optional(),
  })
  .meta({ id: 'AuthorizeRequest' });
export type AuthorizeRequest = z.infer<typeof AuthorizeRequest>;

export const AuthorizeResponse = z
  .object({
    redirectTo: z.string().describe('redirect_uri with code (and state) added: send the browser there'),
    code: z.string(),
    state: z.string().optional(),
  })
  .meta({ id: 'AuthorizeResponse' });
export type AuthorizeResponse = z.infer<typeof AuthorizeResponse>;
