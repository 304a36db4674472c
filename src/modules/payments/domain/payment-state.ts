import type { PaymentState } from '../contract/views';

/**
 * The payment state machine, stated once. Every path that changes a payment (API, webhook,
 * status sync, job) locks the row (`select … for update`) and asks `transition` what to do:
 * the same state again is a no-op (a duplicate webhook, a sync that agrees), a move the table
 * does not allow is refused, never applied (an old `processing` webhook after `succeeded`).
 *
 *   created ──► requires_action ──► processing ──► succeeded ──► partially_refunded ──► refunded
 *      │               │                │              │  └─────────────────────────────► refunded
 *      │               │                │              └──► returned   (a bank return after settlement)
 *      └──► processing │                ├──► failed
 *      └──► succeeded  └──► failed      └──► canceled
 *      └──► failed / canceled  └──► canceled
 */
export const TRANSITIONS: Readonly<Record<PaymentState, readonly PaymentState[]>> = {
  created: ['requires_action', 'processing', 'succeeded', 'failed', 'canceled'],
  requires_action: ['processing', 'succeeded', 'failed', 'canceled'],
  processing: ['succeeded', 'failed', 'canceled'],
  succeeded: ['partially_refunded', 'refunded', 'returned'],
  partially_refunded: ['partially_refunded', 'refunded'],
  failed: [],
  canceled: [],
  refunded: [],
  returned: [],
};

/** States nothing moves a payment out of, but refunds and returns (succeeded, partially_refunded) and nothing at all (the rest). */
export const FINAL_STATES: ReadonlySet<PaymentState> = new Set(['failed', 'canceled', 'refunded', 'returned']);

/** Money has settled: the ledger has posted it. */
export const SETTLED_STATES: ReadonlySet<PaymentState> = new Set(['succeeded', 'partially_refunded', 'refunded', 'returned']);

export type TransitionOutcome =
  | { readonly kind: 'apply'; readonly to: PaymentState }
  | { readonly kind: 'noop' }
  | { readonly kind: 'refused'; readonly from: PaymentState; readonly to: PaymentState };

/**
 * What moving from `from` to `to` means. partially_refunded → partially_refunded is a real
 * change (another part refunded), so it applies; any other repeat is a no-op.
 */
export function transition(from: PaymentState, to: PaymentState): TransitionOutcome {
  if (from === to && to !== 'partially_refunded') return { kind: 'noop' };
  return TRANSITIONS[from].includes(to) ? { kind: 'apply', to } : { kind: 'refused', from, to };
}

/**
 * The state a provider's report moves a payment to, given where it is: a late report of an
 * earlier stage (processing after succeeded) is no news, so it is a no-op rather than refused.
 *
 * `guessed`: the payment is in processing only because its call's outcome was unknown (a
 * timeout after sending; the provider has told us nothing yet, not even its reference). Then
 * the provider's first word is the truth, requires_action included: the customer must see
 * the action (a PayPal order waiting for the buyer), or the payment waits forever.
 */
export function reconcile(from: PaymentState, reported: PaymentState, guessed = false): TransitionOutcome {
  if (guessed && from === 'processing' && reported === 'requires_action') return { kind: 'apply', to: 'requires_action' };
  const outcome = transition(from, reported);
  if (outcome.kind !== 'refused') return outcome;
  return stageOf(reported) < stageOf(from) ? { kind: 'noop' } : outcome;
}

function stageOf(state: PaymentState): number {
  switch (state) {
    case 'created':
      return 0;
    case 'requires_action':
      return 1;
    case 'processing':
      return 2;
    default:
      return 3;
  }
}
