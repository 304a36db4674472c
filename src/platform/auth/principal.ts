/** Roles of human users. Service clients carry scopes instead. */
export const ROLES = ['customer', 'support', 'compliance_officer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, as established by the auth guard from a verified access token. */
export interface Principal {
  readonly kind: 'user' | 'client';
  /** User id, or OAuth client id for service clients. */
  readonly subject: string;
  readonly roles: readonly Role[];
  readonly scopes: readonly string[];
  /** The login session (users only); revoking it stops the token at once. */
  readonly sessionId?: string;
}

/**
 * Permissions per role. A permission grants access beyond the caller's own resources
 * (a customer needs none to reach their own). Service clients get permissions from scopes
 * of the same names. `*` is every permission.
 */
const ROLE_PERMISSIONS: Record<Role, readonly string[]> = {
  customer: [],
  support: ['users:read', 'users:write', 'sessions:revoke', 'accounts:read', 'accounts:freeze', 'ledger:read'],
  compliance_officer: ['users:read', 'users:erase', 'audit:read', 'accounts:read', 'ledger:read', 'ledger:reconcile', 'kyc:review'],
  admin: ['*'],
};

export function hasPermission(principal: Principal, permission: string): boolean {
  for (const role of principal.roles) {
    const granted = ROLE_PERMISSIONS[role];
    if (granted?.includes('*') || granted?.includes(permission)) return true;
  }
  return principal.scopes.includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
