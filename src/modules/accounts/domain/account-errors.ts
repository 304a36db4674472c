import { NotFoundError, UnprocessableError, ConflictError } from '@shared-kernel';
import type { AccountAction, AccountStatus } from './account';

/** The stable problem codes of the accounts context (docs/errors.md). */

/** Unknown, or someone else's: the same answer, so ids cannot be probed. */
export const accountNotFound = () => new NotFoundError('ACCOUNT_NOT_FOUND', 'No such account');

export const transitionNotAllowed = (status: AccountStatus, action: AccountAction | 'change the overdraft of') =>
  new UnprocessableError('ACCOUNT_STATUS_TRANSITION_NOT_ALLOWED', `Cannot ${action} a ${status} account`, { accountStatus: status });

export const currencyNotOffered = (currency: string, offered: readonly string[]) =>
  new UnprocessableError('CURRENCY_NOT_OFFERED', `Accounts are not offered in ${currency}`, { offered });

export const overdraftRefused = (code: 'OVERDRAFT_NOT_ALLOWED' | 'OVERDRAFT_ABOVE_POLICY', max: bigint) =>
  new UnprocessableError(code, code === 'OVERDRAFT_NOT_ALLOWED' ? 'Savings accounts have no overdraft' : `The overdraft limit may be at most ${max}`, {
    maxOverdraftLimit: max.toString(),
  });

export const pendingHolds = (pending: string) =>
  new UnprocessableError(
    'ACCOUNT_HAS_PENDING_HOLDS',
    'The account has pending holds (card authorisations, payments in flight); close it once they are settled or released',
    { pending },
  );

export const overdrawn = (posted: string) =>
  new UnprocessableError('ACCOUNT_OVERDRAWN', 'Pay the negative balance back before closing the account', { posted });

export const sweepTargetRequired = () =>
  new UnprocessableError('SWEEP_TARGET_REQUIRED', 'The account holds money: name an account of yours, in the same currency, to receive it (sweepToAccountId)');

export const sweepTargetInvalid = (reason: string) =>
  new UnprocessableError('SWEEP_TARGET_INVALID', `The account to receive the balance cannot be used: ${reason}`);

/** The workflow stopped half-way (status stays closing); the same request, or the resume job, continues it. */
export const closureIncomplete = (reason: string) =>
  new ConflictError('ACCOUNT_CLOSURE_INCOMPLETE', `The closure could not finish yet: ${reason}; retry to resume it`, { reason });

/*
 * Internal transfers (POST /v1/accounts/:id/transfers). Where the ledger has a code for the
 * same refusal, it is reused: the answer is the same whether we or the ledger saw it first.
 */

export const transferRefused = (code: 'ACCOUNT_FROZEN' | 'ACCOUNT_CLOSED' | 'ACCOUNTS_MUST_BE_DIFFERENT' | 'CURRENCY_MISMATCH', status: AccountStatus) =>
  new UnprocessableError(
    code,
    code === 'ACCOUNT_FROZEN'
      ? 'The account is frozen: no money leaves it'
      : code === 'ACCOUNT_CLOSED'
        ? `The account is ${status}: no money leaves it`
        : code === 'ACCOUNTS_MUST_BE_DIFFERENT'
          ? 'A transfer moves money to another account'
          : 'Both accounts must hold the same currency',
    code === 'ACCOUNT_FROZEN' || code === 'ACCOUNT_CLOSED' ? { accountStatus: status } : undefined,
  );

/** The source is still being opened (pending): retry once it is active. */
export const accountNotOpen = () => new ConflictError('ACCOUNT_NOT_OPEN', 'The account is still being opened; retry in a moment', { accountStatus: 'pending' });

/** The ledger refused the debit beyond the balance plus the overdraft limit (its EXCEEDS_CREDITS). */
export const insufficientFunds = () =>
  new UnprocessableError('INSUFFICIENT_FUNDS', 'The amount exceeds what the account can spend (balance plus overdraft, less holds)');

/** The transfer id was used before with other fields (the ledger's code and status). */
export const transferIdReused = (id: string) =>
  new ConflictError('ID_EXISTS_WITH_DIFFERENT_FIELDS', `Transfer ${id} exists with different fields; choose a new id for a new transfer`);
