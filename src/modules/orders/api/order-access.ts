import { assertCanAccess } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import { orderNotFound } from '../domain/order-errors';
import type { OrderRecord } from '../infrastructure/order.repository';

/** The owner, or staff holding `permission`; anyone else is told the order does not exist. */
export const accessibleWith = (principal: Principal, permission: string) => (order: OrderRecord) =>
  assertCanAccess(principal, order.ownerId, permission, orderNotFound);

/** Who did it, for the order's transitions. */
export const actorOf = (principal: Principal): string => `${principal.kind}:${principal.subject}`;
