import { defineContext } from '@platform/context-definition';
import { IDENTITY_MIGRATIONS } from '@migrations/identity';
import { identityContract } from './contract';
import { identityConfig } from './identity.config';
import { IdentityModule } from './identity.module';

/** Identity and access: users, sign-in, sessions, OAuth clients, roles, the audit log (schema `identity`). */
export const identityContext = defineContext({
  name: 'identity',
  module: IdentityModule,
  dependsOn: [],
  contract: identityContract,
  migrations: IDENTITY_MIGRATIONS,
  config: identityConfig,
  permissions: {
    'users:read': ['support', 'compliance_officer'],
    'users:write': ['support'],
    'users:erase': ['compliance_officer'],
    'sessions:revoke': ['support'],
    'roles:assign': [],
    'clients:manage': [],
    'audit:read': ['compliance_officer'],
  },
  routes: [
    '/v1/auth',
    '/v1/oauth',
    '/v1/users',
    '/v1/sessions',
    '/v1/mfa',
    '/v1/admin/users',
    '/v1/admin/oauth-clients',
    '/v1/audit-log',
    '/.well-known',
    '/auth',
  ],
  apiTags: [
    {
      name: 'auth',
      description:
        'Sign-up, e-mail verification, login (password, MFA, passkeys), password reset, the OAuth 2.0 token endpoint and signing keys. Public: no access token needed.',
    },
    { name: 'users', description: "The signed-in user's own profile, password, data export and account closure." },
    { name: 'sessions', description: "The signed-in user's sessions (devices); revoking one ends its tokens at once." },
    { name: 'mfa', description: 'Second factors: TOTP, recovery codes, passkeys (WebAuthn), and step-up for sensitive operations.' },
    { name: 'admin', description: 'Staff operations on users and OAuth clients (roles, status, erasure).' },
    { name: 'audit', description: 'The tamper-evident security audit log and its verification.' },
  ],
});
