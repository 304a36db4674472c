import { DomainError } from '../../../shared-kernel';
import type { Principal } from '../../../platform/auth/principal';

/** The user behind a principal; service clients have no "me". */
export function userOf(principal: Principal): string {
  if (principal.kind !== 'user') throw new DomainError('forbidden', 'USER_REQUIRED', 'This operation needs a signed-in user, not a service client');
  return principal.subject;
}

/** The user and their session. */
export function sessionOf(principal: Principal): { userId: string; sessionId: string } {
  return { userId: userOf(principal), sessionId: principal.sessionId! };
}
