import type { OAuthClient } from '@modules/identity/infrastructure/oauth-clients';
import { grantedScopes } from './issue-token';

describe('grantedScopes', () => {
  const client = { scopes: ['accounts:read', 'audit:read'] } as OAuthClient;

  it('grants every scope of the client when none is asked for', () => {
    expect(grantedScopes(client, undefined)).toEqual(['accounts:read', 'audit:read']);
    expect(grantedScopes(client, '  ')).toEqual(['accounts:read', 'audit:read']);
  });

  it('grants a subset, once each', () => {
    expect(grantedScopes(client, 'audit:read  audit:read')).toEqual(['audit:read']);
  });

  it('refuses scopes the client does not hold, naming them', () => {
    expect(() => grantedScopes(client, 'audit:read users:write')).toThrow('Scopes not granted to this client: users:write');
  });
});
