import type { PermissionGrants } from '../context-definition';
import type { Role } from './principal';

/**
 * The permissions the contexts declare in their manifests, and the roles each grants by
 * default. Admins hold every permission; customers none (they reach their own resources
 * without one); service clients get a permission from an OAuth scope of the same name.
 */
export class Permissions {
  private readonly byRole = new Map<Role, string[]>();
  private readonly declared = new Set<string>();

  constructor(grants: readonly PermissionGrants[]) {
    this.byRole.set('admin', ['*']);
    for (const set of grants) {
      for (const [permission, roles] of Object.entries(set)) {
        if (this.declared.has(permission)) throw new Error(`permission ${permission} is declared by two contexts`);
        this.declared.add(permission);
        for (const role of roles) this.byRole.set(role, [...(this.byRole.get(role) ?? []), permission]);
      }
    }
  }

  /** The effective permissions of a caller with these roles and scopes. */
  of(roles: readonly Role[], scopes: readonly string[]): string[] {
    const granted = new Set<string>();
    for (const role of roles) for (const permission of this.byRole.get(role) ?? []) granted.add(permission);
    for (const scope of scopes) if (this.declared.has(scope)) granted.add(scope);
    return [...granted];
  }

  isDeclared(permission: string): boolean {
    return this.declared.has(permission);
  }

  /** Every declared permission, sorted (documentation, the admin UI). */
  all(): string[] {
    return [...this.declared].sort();
  }
}
