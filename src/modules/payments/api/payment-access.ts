import { assertCanAccess } from '@platform/auth/ownership';
import type { Principal } from '@platform/auth/principal';
import type { PaymentView } from '../contract';
import type { PaymentParties } from '../application/read-payments/read-payments';
import { paymentNotFound } from '../domain/payment-errors';

/** The owner, or staff holding `permission`; anyone else is told the payment does not exist. */
export const paymentAccessibleWith = (principal: Principal, permission: string) => (payment: PaymentView) =>
  assertCanAccess(principal, payment.ownerId, permission, paymentNotFound);

/** For reads: the payee of a transfer too (they see incoming transfers); anyone else as above. */
export const paymentReadableWith = (principal: Principal, permission: string) => (payment: PaymentView, parties: PaymentParties) => {
  if (principal.kind === 'user' && parties.payeeId !== null && principal.subject === parties.payeeId) return;
  assertCanAccess(principal, payment.ownerId, permission, paymentNotFound);
};
