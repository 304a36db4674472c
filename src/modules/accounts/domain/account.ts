/** What a customer account is: a product backed by one ledger account, with a lifecycle. */

export const ACCOUNT_PRODUCTS = ['checking', 'savings'] as const;
export type AccountProduct = (typeof ACCOUNT_PRODUCTS)[number];

export const ACCOUNT_STATUSES = ['pending', 'active', 'frozen', 'closing', 'closed'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export type AccountAction = 'activate' | 'freeze' | 'unfreeze' | 'close';

/**
 * The lifecycle, in one table: pending (being opened) → active ⇄ frozen; active → closing
 * → closed. A frozen account is not closed by its owner (support unfreezes first), and
 * nothing leaves closed. `close` on a closing account resumes the interrupted workflow.
 */
const TRANSITIONS: Record<AccountAction, { readonly from: readonly AccountStatus[]; readonly to: AccountStatus }> = {
  activate: { from: ['pending'], to: 'active' },
  freeze: { from: ['active'], to: 'frozen' },
  unfreeze: { from: ['frozen'], to: 'active' },
  close: { from: ['active', 'closing'], to: 'closing' },
};

/** The status after `action`, or null when the account's status does not allow it. */
export function nextStatus(current: AccountStatus, action: AccountAction): AccountStatus | null {
  const transition = TRANSITIONS[action];
  return transition.from.includes(current) ? transition.to : null;
}
