import { assertCanAccess } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { accountNotFound } from '../domain/account-errors';
import type { AccountRecord } from '../infrastructure/account.repository';

/** The owner, or staff holding `permission`; anyone else is told the account does not exist. */
export const accessibleWith = (principal: Principal, permission: string) => (account: AccountRecord) =>
  assertCanAccess(principal, account.ownerId, permission, accountNotFound);
