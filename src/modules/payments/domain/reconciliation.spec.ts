import { checkLine, checkRefundTotal, missingAtProvider, refundMissingAtProvider, type OurPayment, type ReportLine } from './reconciliation';

const payment = (over: Partial<OurPayment> = {}): OurPayment => ({
  id: 'p1',
  kind: 'pay_in',
  state: 'succeeded',
  amount: 1000n,
  currency: 'EUR',
  refundedAmount: 0n,
  ...over,
});
const line = (over: Partial<ReportLine> = {}): ReportLine => ({
  lineId: 'l1',
  kind: 'charge',
  providerReference: 'pi_1',
  gross: 1000n,
  currency: 'EUR',
  ...over,
});
const kinds = (ms: ReturnType<typeof checkLine>) => ms.map((m) => m.kind);

describe('reconciliation checks', () => {
  it('a charge that matches a settled pay-in with its ledger credit is clean', () => {
    expect(checkLine(line(), { payment: payment(), ledger: 1000n })).toEqual([]);
  });

  it('a charge for nothing of ours, another amount or currency, a payment we hold failed, the ledger missing or different', () => {
    expect(checkLine(line(), {})).toEqual([expect.objectContaining({ kind: 'unknown_charge', subjectKey: 'l1', actual: 1000n })]);
    expect(checkLine(line({ gross: 900n }), { payment: payment(), ledger: 1000n })).toEqual([
      expect.objectContaining({ kind: 'amount_mismatch', expected: 1000n, actual: 900n, paymentId: 'p1' }),
      expect.objectContaining({ kind: 'ledger_amount_mismatch', expected: 900n, actual: 1000n }),
    ]);
    expect(kinds(checkLine(line({ currency: 'USD' }), { payment: payment(), ledger: 1000n }))).toEqual(['currency_mismatch']);
    for (const state of ['failed', 'canceled', 'processing'] as const) {
      expect(checkLine(line(), { payment: payment({ state }) })).toEqual([
        expect.objectContaining({ kind: 'state_mismatch', detail: `payment ${state} with us` }),
      ]);
    }
    expect(checkLine(line(), { payment: payment(), ledger: null })).toEqual([expect.objectContaining({ kind: 'ledger_missing', subjectKey: 'p1:credit' })]);
  });

  it('refunds: unknown, another amount, not done with us, the ledger post missing; totals beyond ours', () => {
    const refundLine = line({ kind: 'refund', lineId: 'l2', providerReference: 're_1', gross: -300n });
    const refund = { id: 'r1', paymentId: 'p1', amount: 300n, state: 'succeeded' as const };
    expect(checkLine(refundLine, { payment: payment(), refund, ledger: 300n })).toEqual([]);
    expect(kinds(checkLine(refundLine, { payment: payment() }))).toEqual(['unknown_refund']);
    expect(checkLine({ ...refundLine, gross: -250n }, { payment: payment(), refund, ledger: 300n })).toEqual([
      expect.objectContaining({ kind: 'amount_mismatch', expected: 300n, actual: 250n, refundId: 'r1' }),
    ]);
    expect(kinds(checkLine(refundLine, { payment: payment(), refund: { ...refund, state: 'processing' } }))).toEqual(['state_mismatch']);
    expect(kinds(checkLine(refundLine, { payment: payment(), refund, ledger: null }))).toEqual(['ledger_missing']);
    expect(checkRefundTotal(payment({ refundedAmount: 300n }), 300n)).toEqual([]);
    expect(checkRefundTotal(payment({ refundedAmount: 300n }), 400n)).toEqual([
      expect.objectContaining({ kind: 'refund_total_mismatch', expected: 300n, actual: 400n, subjectKey: 'p1' }),
    ]);
  });

  it("the provider's own payouts and fees are nobody's mismatch; an adjustment on our payment is", () => {
    expect(checkLine(line({ kind: 'payout', gross: -5000n }), {})).toEqual([]);
    expect(checkLine(line({ kind: 'fee', gross: -50n }), {})).toEqual([]);
    expect(checkLine(line({ kind: 'adjustment', gross: -1000n }), {})).toEqual([]);
    expect(kinds(checkLine(line({ kind: 'adjustment', gross: -1000n }), { payment: payment() }))).toEqual(['unexpected_adjustment']);
  });

  it('a payout of ours carried by a connector is checked against its ledger post', () => {
    const payout = payment({ kind: 'payout' });
    expect(checkLine(line({ kind: 'payout', gross: -1000n }), { payment: payout, ledger: 1000n })).toEqual([]);
    expect(kinds(checkLine(line({ kind: 'payout', gross: -1000n }), { payment: payout, ledger: null }))).toEqual(['ledger_missing']);
  });

  it('missing at the provider is keyed by the payment, so a rerun finds the same one', () => {
    expect(missingAtProvider({ ...payment(), providerReference: 'pi_9' })).toMatchObject({
      kind: 'missing_at_provider',
      subjectKey: 'p1',
      expected: 1000n,
      providerReference: 'pi_9',
    });
  });

  it('a refund we hold succeeded that no line carried is missing at the provider, keyed by the refund', () => {
    const refund = { id: 'r1', paymentId: 'p1', amount: 300n, state: 'succeeded' as const, providerReference: 're_1' };
    expect(refundMissingAtProvider(refund, 'EUR')).toMatchObject({
      kind: 'missing_at_provider',
      subjectKey: 'refund:r1',
      refundId: 'r1',
      paymentId: 'p1',
      expected: 300n,
    });
  });
});
