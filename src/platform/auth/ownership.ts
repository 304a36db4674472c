import { DomainError } from '@shared-kernel';
import { hasPermission, type Principal } from './principal';

/**
 * Object-level authorization, the same everywhere: a caller reaches a resource they own,
 * or any resource when they hold `permission` (support, compliance, admin, scoped
 * clients). Anyone else gets the resource's own 404: whether it exists is not disclosed.
 */
export function assertCanAccess(principal: Principal, ownerId: string, permission: string, notFound: () => DomainError): void {
  if (principal.kind === 'user' && principal.subject === ownerId) return;
  if (hasPermission(principal, permission)) return;
  throw notFound();
}

/** True when the caller may act on resources of other users (used to scope list queries). */
export function canActOnOthers(principal: Principal, permission: string): boolean {
  return hasPermission(principal, permission);
}

/** The user behind a principal; service clients have no resources of their own ("me"). */
export function userOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new DomainError('forbidden', 'USER_REQUIRED', 'This operation needs a signed-in user, not a service client');
  return principal.subject;
}
