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
  /**
   * What the caller may do beyond their own resources: the permissions the contexts grant
   * its roles (admins: `*`, every permission), or, for service clients, its scopes.
   */
  readonly permissions: readonly string[];
}

export function hasPermission(principal: Principal, permission: string): boolean {
  return principal.permissions.includes('*') || principal.permissions.includes(permission);
}

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}
