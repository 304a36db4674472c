import { ConflictError, UnprocessableError } from '@shared-kernel';

/** Stable problem codes of the interest feature (docs/errors.md). */

export const rateExists = (product: string, currency: string, effectiveFrom: string) =>
  new ConflictError(
    'INTEREST_RATE_EXISTS',
    `A ${product} ${currency} rate effective from ${effectiveFrom} exists already; rates are never edited, add one for a later day`,
  );

export const rateRetroactive = (today: string) =>
  new UnprocessableError(
    'INTEREST_RATE_RETROACTIVE',
    `A rate may take effect today (${today}) or later, never in the past: days already accrued keep their rate`,
    { today },
  );

export const interestNotPaid = (reason: string) =>
  new ConflictError('INTEREST_PAYMENT_FAILED', `The interest could not be paid yet: ${reason}; retry`, { reason });
