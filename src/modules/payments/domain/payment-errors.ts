import { ConflictError, DomainError, NotFoundError, UnprocessableError } from '@shared-kernel';

/* The payments context's refusals, each with a stable code (part of the public API). */

export const paymentNotFound = () => new NotFoundError('PAYMENT_NOT_FOUND', 'No such payment');

export const paymentExistsWithDifferentFields = (id: string) =>
  new ConflictError('PAYMENT_EXISTS_WITH_DIFFERENT_FIELDS', 'A payment with this id (Idempotency-Key) exists with other fields', { paymentId: id });

/** The input names something the caller cannot use (unknown, someone else's, closed): 422 naming the field. */
export const unusable = (code: string, field: string, message: string) =>
  new DomainError('unprocessable', code, message, { errors: [{ field, message, code }] });

export const limitExceeded = (limit: 'per_payment' | 'per_day' | 'per_month', max: bigint, currency: string) =>
  new DomainError('unprocessable', 'PAYMENT_LIMIT_EXCEEDED', `The amount exceeds the ${limit.replace('_', ' ')} limit of ${max} minor units of ${currency}`, {
    errors: [{ field: 'amount', message: `exceeds the ${limit.replace('_', ' ')} limit`, code: 'PAYMENT_LIMIT_EXCEEDED' }],
    extensions: { limit, max: max.toString(), currency },
  });

export const insufficientFunds = () =>
  new DomainError('unprocessable', 'INSUFFICIENT_FUNDS', 'The account does not hold enough available money for this payment', {
    errors: [{ field: 'amount', message: 'exceeds the available balance', code: 'INSUFFICIENT_FUNDS' }],
  });

export const notCancelable = (state: string) => new ConflictError('PAYMENT_NOT_CANCELABLE', `A payment in state ${state} cannot be canceled`, { state });

export const paymentInFlight = () => new ConflictError('PAYMENT_IN_FLIGHT', 'The payment is being sent to the provider right now; retry in a moment');

export const notRefundable = (reason: string) => new UnprocessableError('PAYMENT_NOT_REFUNDABLE', reason);

export const refundExceedsRemaining = (remaining: bigint) =>
  new DomainError('unprocessable', 'REFUND_EXCEEDS_REMAINING', `At most ${remaining} minor units remain refundable`, {
    errors: [{ field: 'amount', message: `exceeds the refundable ${remaining}`, code: 'REFUND_EXCEEDS_REMAINING' }],
    extensions: { remaining: remaining.toString() },
  });

export const refundExistsWithDifferentFields = (id: string) =>
  new ConflictError('REFUND_EXISTS_WITH_DIFFERENT_FIELDS', 'A refund with this id exists with other fields', { refundId: id });

export const reconciliationMismatchNotFound = () => new NotFoundError('RECONCILIATION_MISMATCH_NOT_FOUND', 'No such reconciliation mismatch');

export const reconciliationMismatchResolved = () => new ConflictError('RECONCILIATION_MISMATCH_RESOLVED', 'The mismatch is resolved already');

export const settlementsUnavailable = (connector: string) =>
  unusable('SETTLEMENTS_UNAVAILABLE', 'connector', `Connector ${connector} is not configured here or has no settlement report`);

export const reconciliationWindowInvalid = (message: string) => unusable('RECONCILIATION_WINDOW_INVALID', 'to', message);
