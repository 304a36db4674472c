import { NotFoundError, UnprocessableError, ValidationError } from '@shared-kernel';

/** Stable problem codes of the statements feature (docs/errors.md). */

export const periodInvalid = (reason: string) =>
  new ValidationError('The statement period is invalid', [{ field: 'from', message: reason }], 'STATEMENT_PERIOD_INVALID');

export const periodNotEnded = (now: string) =>
  new UnprocessableError('STATEMENT_PERIOD_NOT_ENDED', 'A stored statement covers a finished period: to must not be later than now', { now });

/** Unknown, or of another account: the same answer. */
export const statementNotFound = () => new NotFoundError('STATEMENT_NOT_FOUND', 'No such statement');
