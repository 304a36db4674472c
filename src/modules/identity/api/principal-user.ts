import { userOf } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';

/** The user and their session. */
export function sessionOf(principal: Principal): { userId: string; sessionId: string } {
  return { userId: userOf(principal), sessionId: principal.sessionId! };
}
