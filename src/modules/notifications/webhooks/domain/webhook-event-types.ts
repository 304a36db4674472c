/*
 * Which integration events become which public webhook event types, who may receive them,
 * and what of their data leaves the bank. Payloads are projected field by field (never the
 * event's data as it is): a field added to an internal event later does not reach API
 * clients until someone adds it here. Ids, amounts, currencies and times only: no names,
 * no account numbers or IBANs, no free-text references.
 */

/** An event family: a client needs the scope `webhooks:<family>` to receive its types. */
export type WebhookFamily = 'accounts' | 'ledger' | 'payments';

export interface WebhookEventType {
  /** The public type, as receivers see it in the payload's `type`. */
  readonly type: string;
  /** The integration event type it comes from. */
  readonly source: string;
  readonly family: WebhookFamily;
  readonly description: string;
  /** The user the event is about (null: about nobody in particular, e.g. a ledger transfer). */
  readonly userOf: (data: Record<string, unknown>) => string | null;
  /** What of the event's data the receiver gets. */
  readonly project: (data: Record<string, unknown>) => Record<string, unknown>;
}

const pick =
  (...fields: string[]) =>
  (data: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(fields.filter((f) => data[f] !== undefined).map((f) => [f, data[f]]));
const owner = (data: Record<string, unknown>) => (typeof data['ownerId'] === 'string' ? data['ownerId'] : null);
const balances = (value: unknown) => pick('posted', 'pending', 'available')((value ?? {}) as Record<string, unknown>);
const paymentOf = (data: Record<string, unknown>) => (data['payment'] ?? {}) as Record<string, unknown>;
/** A payment as API clients see it: no provider reference, redirect URL, free-text reference or staff review note. */
const paymentFields = pick(
  'id',
  'ownerId',
  'kind',
  'method',
  'state',
  'amount',
  'currency',
  'fee',
  'refundedAmount',
  'accountId',
  'counterpartyAccountId',
  'beneficiaryId',
  'orderId',
  'failureCode',
  'createdAt',
  'updatedAt',
);
/** A payments event (`{ payment: PaymentView }`), about the payment's owner. */
const paymentType = (name: string, description: string): WebhookEventType => ({
  type: `payment.${name}`,
  source: `payments.payment-${name}.v1`,
  family: 'payments',
  description,
  userOf: (data) => owner(paymentOf(data)),
  project: (data) => ({ payment: paymentFields(paymentOf(data)) }),
});

export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = [
  {
    type: 'account.opened',
    source: 'accounts.account-opened.v1',
    family: 'accounts',
    description: 'An account was opened.',
    userOf: owner,
    project: pick('accountId', 'ownerId', 'product', 'currency', 'overdraftLimit', 'openedAt'),
  },
  {
    type: 'account.frozen',
    source: 'accounts.account-frozen.v1',
    family: 'accounts',
    description: 'Staff froze an account: no money leaves it until unfrozen.',
    userOf: owner,
    project: pick('accountId', 'ownerId', 'at'),
  },
  {
    type: 'account.unfrozen',
    source: 'accounts.account-unfrozen.v1',
    family: 'accounts',
    description: 'An account was unfrozen.',
    userOf: owner,
    project: pick('accountId', 'ownerId', 'at'),
  },
  {
    type: 'account.closed',
    source: 'accounts.account-closed.v1',
    family: 'accounts',
    description: 'An account was closed (its balance swept to another account).',
    userOf: owner,
    project: pick('accountId', 'ownerId', 'sweptToAccountId', 'sweptAmount', 'currency', 'closedAt'),
  },
  {
    type: 'account.balance_changed',
    source: 'accounts.balance-changed.v1',
    family: 'accounts',
    description: "A ledger transfer changed an account's balances.",
    userOf: owner,
    project: (data) => ({ ...pick('accountId', 'ownerId', 'currency', 'transferId', 'asOf')(data), balances: balances(data['balances']) }),
  },
  {
    type: 'account.statement_issued',
    source: 'accounts.statement-issued.v1',
    family: 'accounts',
    description: 'A statement was issued and can be downloaded from the accounts API.',
    userOf: owner,
    project: pick('statementId', 'accountId', 'ownerId', 'kind', 'periodFrom', 'periodTo', 'issuedAt'),
  },
  {
    type: 'account.interest_capitalised',
    source: 'accounts.interest-capitalised.v1',
    family: 'accounts',
    description: 'Accrued interest was paid into an account.',
    userOf: owner,
    project: pick('accountId', 'ownerId', 'currency', 'period', 'amount', 'transferId', 'capitalisedAt'),
  },
  {
    type: 'ledger.transfer_created',
    source: 'ledger.transfer-created.v1',
    family: 'ledger',
    description: 'The ledger wrote a transfer (bank-wide: for clients with webhooks:all_users).',
    userOf: () => null,
    project: (data) => {
      const transfer = (data['transfer'] ?? {}) as Record<string, unknown>;
      const side = (value: unknown) => {
        const account = (value ?? {}) as Record<string, unknown>;
        return { id: account['id'], balances: balances(account['balances']) };
      };
      return {
        transfer: pick('id', 'kind', 'debitAccountId', 'creditAccountId', 'amount', 'currency', 'pendingId', 'timeoutAt', 'code', 'createdAt')(transfer),
        debitAccount: side(data['debitAccount']),
        creditAccount: side(data['creditAccount']),
      };
    },
  },
  paymentType('created', 'A payment (pay-in, payout or transfer) was created.'),
  paymentType('processing', 'A payment was handed to its gateway or rail and awaits the outcome.'),
  paymentType('succeeded', 'A payment settled: the money moved.'),
  paymentType('failed', 'A payment failed (its failureCode says why); no money moved.'),
  paymentType('canceled', 'A payment was canceled before it was processed.'),
  paymentType('refunded', 'A pay-in was refunded, in part or in full (refundedAmount says how much so far).'),
  paymentType('returned', 'A settled payout or transfer came back (the receiving bank returned it).'),
];

export const PUBLIC_EVENT_TYPES = WEBHOOK_EVENT_TYPES.map((t) => t.type) as [string, ...string[]];

const bySource = new Map(WEBHOOK_EVENT_TYPES.map((t) => [t.source, t]));
const byType = new Map(WEBHOOK_EVENT_TYPES.map((t) => [t.type, t]));

export function eventTypeForSource(source: string): WebhookEventType | undefined {
  return bySource.get(source);
}

export function eventTypeNamed(type: string): WebhookEventType | undefined {
  return byType.get(type);
}

/** The scope a client needs to receive an event family. */
export const familyScope = (family: WebhookFamily): string => `webhooks:${family}`;

/** Scope of clients that receive a family's events about every user, not only those who authorized them. */
export const ALL_USERS_SCOPE = 'webhooks:all_users';

/**
 * The delivery rule (docs/webhooks.md): a client receives an event when it is active, holds
 * the event family's scope, and either holds `webhooks:all_users` or the event is about a
 * user who has authorized the client (a standing OAuth authorization). Events about nobody
 * in particular (ledger transfers) need `webhooks:all_users`.
 */
export function mayReceive(
  client: { readonly active: boolean; readonly scopes: readonly string[]; readonly actsForUser: boolean | null },
  type: WebhookEventType,
  userId: string | null,
): boolean {
  if (!client.active || !client.scopes.includes(familyScope(type.family))) return false;
  if (client.scopes.includes(ALL_USERS_SCOPE)) return true;
  return userId !== null && client.actsForUser === true;
}
