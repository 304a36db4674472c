import { assertCanAccess } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import type { PaymentView } from '../contract';
import { paymentNotFound } from '../domain/payment-errors';

/** The owner, or staff holding `permission`; anyone else is told the payment does not exist. */
export const paymentAccessibleWith = (principal: Principal, permission: string) => (payment: PaymentView) =>
  assertCanAccess(principal, payment.ownerId, permission, paymentNotFound);
