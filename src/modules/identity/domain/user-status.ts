/** Lifecycle of a user account. */
export const USER_STATUSES = ['pending', 'active', 'locked', 'disabled', 'closed'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Statuses staff may set: closing is the user's own erasure (or GDPR erasure), never a plain status flip. */
export const ADMIN_SETTABLE_STATUSES = ['active', 'locked', 'disabled'] as const satisfies readonly UserStatus[];
export type AdminSettableStatus = (typeof ADMIN_SETTABLE_STATUSES)[number];

/** Whether staff may move an account from one status to another. */
export function canChangeStatus(from: UserStatus, to: AdminSettableStatus): boolean {
  if (from === 'closed' || from === to) return false;
  // An unverified account becomes active by verifying its email, not by decree.
  if (from === 'pending' && to === 'active') return false;
  return true;
}

/** Only active accounts sign in and hold sessions. */
export function canSignIn(status: UserStatus): boolean {
  return status === 'active';
}

/**
 * Whether an operator may make an existing account staff from the command line (the first
 * administrator): only an active one. A pending account has not proved it owns its address
 * (anyone may have signed up with it), a locked or disabled one was stopped on purpose.
 */
export function mayBecomeStaff(status: UserStatus): boolean {
  return status === 'active';
}
