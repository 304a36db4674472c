import fc from 'fast-check';
import { MAX_MINOR_UNITS } from '@shared-kernel';
import { capturedAmount, isPaidBy, isTerminal, ORDER_STATUSES, totalOf, TotalOutOfRange, transition, type OrderStatus } from './order';

describe('totalOf', () => {
  it('sums quantity × unit price in bigint, exactly', () => {
    expect(
      totalOf([
        { quantity: 3, unitPrice: 1999n },
        { quantity: 1, unitPrice: 5n },
      ]),
    ).toBe(6_002n);
    expect(totalOf([{ quantity: 1, unitPrice: 0n }])).toBe(0n);
    // Beyond 2^53: a float would round this.
    expect(totalOf([{ quantity: 1_000_000, unitPrice: 9_007_199_254_741n }])).toBe(9_007_199_254_741_000_000n);
  });

  it('takes a total of exactly 2^63-1 and refuses one more minor unit, naming the line', () => {
    expect(
      totalOf([
        { quantity: 1, unitPrice: MAX_MINOR_UNITS - 1n },
        { quantity: 1, unitPrice: 1n },
      ]),
    ).toBe(MAX_MINOR_UNITS);
    let error: unknown;
    try {
      totalOf([
        { quantity: 1, unitPrice: 1n },
        { quantity: 1, unitPrice: MAX_MINOR_UNITS },
        { quantity: 1, unitPrice: 1n },
      ]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TotalOutOfRange);
    expect((error as TotalOutOfRange).index).toBe(1);
  });

  it('refuses a product past the bound even when the unit price alone fits', () => {
    expect(() => totalOf([{ quantity: 2, unitPrice: MAX_MINOR_UNITS / 2n + 1n }])).toThrow(TotalOutOfRange);
    expect(totalOf([{ quantity: 2, unitPrice: MAX_MINOR_UNITS / 2n }])).toBe(MAX_MINOR_UNITS - 1n);
  });

  it('agrees with an independent decimal-string model on random orders, failing exactly when the model passes 2^63-1', () => {
    // Schoolbook decimal arithmetic on strings: no bigint, so it shares nothing with totalOf.
    const addDecimal = (a: string, b: string): string => {
      let out = '';
      let carry = 0;
      for (let i = a.length - 1, j = b.length - 1; i >= 0 || j >= 0 || carry; i--, j--) {
        const d = (i >= 0 ? a.charCodeAt(i) - 48 : 0) + (j >= 0 ? b.charCodeAt(j) - 48 : 0) + carry;
        out = String(d % 10) + out;
        carry = d >= 10 ? 1 : 0;
      }
      return out.replace(/^0+(?=\d)/, '');
    };
    const timesDecimal = (a: string, n: number): string => {
      let acc = '0';
      let power = a;
      for (let k = n; k > 0; k = Math.floor(k / 2)) {
        if (k % 2 === 1) acc = addDecimal(acc, power);
        power = addDecimal(power, power);
      }
      return acc;
    };
    const exceeds = (a: string) => a.length > 19 || (a.length === 19 && a > '9223372036854775807');
    const price = fc.oneof(
      fc.bigInt({ min: 0n, max: 10_000n }),
      fc.bigInt({ min: 0n, max: MAX_MINOR_UNITS }),
      fc.bigInt({ min: MAX_MINOR_UNITS / 3n, max: MAX_MINOR_UNITS }),
      // Right at the bound, where an off-by-a-few check would show.
      fc.bigInt({ min: MAX_MINOR_UNITS - 1_000n, max: MAX_MINOR_UNITS }),
    );
    const quantity = fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1_000_000 }));
    fc.assert(
      fc.property(
        fc.array(fc.record({ quantity, unitPrice: fc.oneof(price, fc.bigInt({ min: 0n, max: 1_000n })) }), { minLength: 1, maxLength: 8 }),
        (lines) => {
          let model = '0';
          let overflowAt = -1;
          lines.forEach((line, index) => {
            model = addDecimal(model, timesDecimal(line.unitPrice.toString(), line.quantity));
            if (overflowAt < 0 && exceeds(model)) overflowAt = index;
          });
          if (overflowAt >= 0) {
            expect(() => totalOf(lines)).toThrow(expect.objectContaining({ index: overflowAt }));
          } else {
            expect(totalOf(lines).toString()).toBe(model);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses quantities that are not positive whole numbers and negative prices', () => {
    expect(() => totalOf([{ quantity: 0, unitPrice: 1n }])).toThrow(RangeError);
    expect(() => totalOf([{ quantity: 1.5, unitPrice: 1n }])).toThrow(RangeError);
    expect(() => totalOf([{ quantity: 1, unitPrice: -1n }])).toThrow(RangeError);
  });
});

describe('the order status machine', () => {
  const legal: Array<[OrderStatus, OrderStatus]> = [
    ['draft', 'placed'],
    ['draft', 'cancelled'],
    ['placed', 'paid'],
    ['placed', 'cancelled'],
    ['paid', 'fulfilled'],
    ['paid', 'refunded'],
    ['fulfilled', 'refunded'],
  ];

  it('allows exactly the listed moves, treats a repeat as a no-op and refuses everything else', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        const outcome = transition(from, to);
        if (from === to) expect(outcome).toEqual({ kind: 'unchanged' });
        else if (legal.some(([f, t]) => f === from && t === to)) expect(outcome).toEqual({ kind: 'moved' });
        else expect(outcome.kind).toBe('illegal');
      }
    }
  });

  it('names what an illegal move could have been instead', () => {
    expect(transition('paid', 'cancelled')).toEqual({ kind: 'illegal', allowed: ['fulfilled', 'refunded'] });
    expect(transition('draft', 'paid')).toEqual({ kind: 'illegal', allowed: ['placed', 'cancelled'] });
    expect(transition('refunded', 'paid')).toEqual({ kind: 'illegal', allowed: [] });
  });

  it('ends in cancelled and refunded only', () => {
    expect(ORDER_STATUSES.filter(isTerminal)).toEqual(['cancelled', 'refunded']);
  });
});

describe('paid by its payments', () => {
  it('counts captured payments once each, refunded or not, and nothing that has not captured', () => {
    const payments = [
      { state: 'succeeded', amount: 600n },
      { state: 'processing', amount: 400n },
      { state: 'failed', amount: 400n },
      { state: null, amount: 400n },
      { state: 'partially_refunded', amount: 100n },
    ];
    expect(capturedAmount(payments)).toBe(700n);
    expect(isPaidBy(1000n, payments)).toBe(false);
    expect(isPaidBy(1000n, [...payments, { state: 'succeeded', amount: 300n }])).toBe(true);
    expect(isPaidBy(700n, payments)).toBe(true);
  });

  it('never counts an order of zero as paid', () => {
    expect(isPaidBy(0n, [])).toBe(false);
  });
});
