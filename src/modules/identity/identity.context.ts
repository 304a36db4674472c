import { defineContext } from '../../platform/context-definition';
import { IDENTITY_MIGRATIONS } from '../../../migrations/identity';
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
  routes: ['/v1/auth', '/v1/oauth', '/v1/users', '/v1/sessions', '/v1/mfa', '/v1/admin/users', '/v1/admin/oauth-clients', '/v1/audit-log', '/.well-known'],
});
