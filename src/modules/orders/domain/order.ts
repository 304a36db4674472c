import { MAX_MINOR_UNITS } from '@shared-kernel';

/*
 * An order's rules in plain TypeScript: its total, its status machine, when it is paid.
 * No I/O here; the use cases load and store, these decide.
 */

export const ORDER_STATUSES = ['draft', 'placed', 'paid', 'fulfilled', 'cancelled', 'refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  readonly quantity: number;
  readonly unitPrice: bigint;
}

/** Where each status may go. A status not listed as a source is terminal. */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  draft: ['placed', 'cancelled'],
  placed: ['paid', 'cancelled'],
  paid: ['fulfilled', 'refunded'],
  fulfilled: ['refunded'],
  cancelled: [],
  refunded: [],
};

export type TransitionOutcome =
  { readonly kind: 'moved' } | { readonly kind: 'unchanged' } | { readonly kind: 'illegal'; readonly allowed: readonly OrderStatus[] };

/** A move to the status the order already has changes nothing; a move the machine does not list is illegal. */
export function transition(from: OrderStatus, to: OrderStatus): TransitionOutcome {
  if (from === to) return { kind: 'unchanged' };
  return NEXT[from].includes(to) ? { kind: 'moved' } : { kind: 'illegal', allowed: NEXT[from] };
}

export function isTerminal(status: OrderStatus): boolean {
  return NEXT[status].length === 0;
}

export class TotalOutOfRange extends Error {
  constructor(readonly index: number) {
    super(`the order total exceeds ${MAX_MINOR_UNITS} minor units at item ${index}`);
  }
}

/**
 * The sum of quantity × unit price over the lines, in minor units. Throws TotalOutOfRange
 * (naming the first line that takes it past 2^63-1) rather than wrapping: the total is
 * stored in a bigint column and sent to payments as one amount.
 */
export function totalOf(lines: readonly OrderLine[]): bigint {
  let total = 0n;
  lines.forEach((line, index) => {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) throw new RangeError(`item ${index}: quantity must be a positive integer`);
    if (line.unitPrice < 0n) throw new RangeError(`item ${index}: unit price must not be negative`);
    total += BigInt(line.quantity) * line.unitPrice;
    if (total > MAX_MINOR_UNITS) throw new TotalOutOfRange(index);
  });
  return total;
}

/** Payment states whose amount reached the order (captured), whether or not refunded since. */
export const CAPTURED_STATES: readonly string[] = ['succeeded', 'partially_refunded', 'refunded'];
/** Payment states that may still capture money (so a cancelled order must cancel them). */
export const OPEN_STATES: readonly string[] = ['created', 'requires_action', 'processing'];

export interface PaymentShare {
  readonly state: string | null;
  readonly amount: bigint;
}

/** What the order's payments have captured, counted once per payment. */
export function capturedAmount(payments: readonly PaymentShare[]): bigint {
  return payments.reduce((sum, p) => (p.state !== null && CAPTURED_STATES.includes(p.state) ? sum + p.amount : sum), 0n);
}

/** A placed order is paid once its payments have captured at least its total. */
export function isPaidBy(total: bigint, payments: readonly PaymentShare[]): boolean {
  return total > 0n && capturedAmount(payments) >= total;
}
