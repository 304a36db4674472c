import { ConnectorError } from './connector';
import { settlementLineOfPaypal } from './paypal/paypal.mapping';
import { settlementLineOfStripe } from './stripe/stripe.mapping';
import { minorUnitsOfDecimal } from './transport';

describe('settlement report mappers', () => {
  it('minorUnitsOfDecimal: signed decimals by the currency digits, by string arithmetic', () => {
    expect(minorUnitsOfDecimal('10.50', 'EUR')).toBe(1050n);
    expect(minorUnitsOfDecimal('-0.59', 'EUR')).toBe(-59n);
    expect(minorUnitsOfDecimal('1500', 'JPY')).toBe(1500n);
    expect(minorUnitsOfDecimal('92233720368547758.07', 'EUR')).toBe(9223372036854775807n);
    for (const bad of ['1.5.0', '1e3', '10.505', '+1', '', ' 1']) expect(minorUnitsOfDecimal(bad, 'EUR')).toBeUndefined();
    expect(minorUnitsOfDecimal('1.5', 'JPY')).toBeUndefined();
    expect(minorUnitsOfDecimal('1', 'XXQ')).toBeUndefined();
  });

  it('Stripe: a charge is about its PaymentIntent, a refund about itself, our ids from metadata', () => {
    const charge = settlementLineOfStripe({
      id: 'txn_1',
      type: 'charge',
      amount: 2000,
      fee: 88,
      net: 1912,
      currency: 'eur',
      created: 1_800_000_000,
      source: { id: 'ch_1', object: 'charge', payment_intent: 'pi_1', metadata: { payment_id: 'p-1' } },
    });
    expect(charge).toEqual({
      lineId: 'txn_1',
      kind: 'charge',
      providerReference: 'pi_1',
      paymentId: 'p-1',
      gross: 2000n,
      fee: 88n,
      net: 1912n,
      currency: 'EUR',
      occurredAt: new Date(1_800_000_000_000),
      providerType: 'charge',
    });
    const refund = settlementLineOfStripe({
      id: 'txn_2',
      type: 'refund',
      amount: -500,
      fee: 0,
      net: -500,
      currency: 'eur',
      created: 1_800_000_100,
      source: { id: 're_1', object: 'refund', payment_intent: 'pi_1', metadata: { payment_id: 'p-1', refund_id: 'r-1' } },
    });
    expect(refund).toMatchObject({ kind: 'refund', providerReference: 're_1', paymentId: 'p-1', refundId: 'r-1', gross: -500n });
    expect(
      settlementLineOfStripe({ id: 'txn_3', type: 'payout', amount: -1412, fee: 0, net: -1412, currency: 'eur', created: 1, source: 'po_1' }),
    ).toMatchObject({
      kind: 'payout',
      providerReference: 'po_1',
    });
    expect(settlementLineOfStripe({ id: 'txn_4', type: 'stripe_fee', amount: -100, fee: 0, net: -100, currency: 'usd', created: 1, source: null }).kind).toBe(
      'fee',
    );
    expect(
      settlementLineOfStripe({ id: 'txn_5', type: 'adjustment', amount: -2000, fee: 1500, net: -3500, currency: 'eur', created: 1, source: 'du_1' }).kind,
    ).toBe('adjustment');
    expect(() => settlementLineOfStripe({ id: 'txn_6', type: 'charge', amount: 1.5, fee: 0, net: 1.5, currency: 'eur', created: 1 })).toThrow(ConnectorError);
  });

  it('PayPal: event code groups, the fee booked negative becomes what PayPal kept, our ids from custom_field and invoice_id', () => {
    const payment = settlementLineOfPaypal({
      transaction_id: 'CAP1',
      transaction_event_code: 'T0006',
      transaction_initiation_date: '2026-01-01T12:01:00+0000',
      transaction_amount: { currency_code: 'EUR', value: '10.00' },
      fee_amount: { currency_code: 'EUR', value: '-0.83' },
      transaction_status: 'S',
      custom_field: 'p-1',
    });
    expect(payment).toEqual({
      lineId: 'CAP1',
      kind: 'charge',
      providerReference: 'CAP1',
      paymentId: 'p-1',
      gross: 1000n,
      fee: 83n,
      net: 917n,
      currency: 'EUR',
      occurredAt: new Date('2026-01-01T12:01:00Z'),
      providerType: 'T0006',
    });
    const refund = settlementLineOfPaypal({
      transaction_id: 'REF1',
      transaction_event_code: 'T1107',
      transaction_initiation_date: '2026-01-02T00:00:00Z',
      transaction_amount: { currency_code: 'JPY', value: '-1500' },
      custom_field: 'p-1',
      invoice_id: 'r-1',
    });
    expect(refund).toMatchObject({ kind: 'refund', gross: -1500n, fee: 0n, net: -1500n, refundId: 'r-1', currency: 'JPY' });
    const kinds = ['T0400', 'T0100', 'T1201'].map(
      (code) =>
        settlementLineOfPaypal({
          transaction_id: code,
          transaction_event_code: code,
          transaction_initiation_date: '2026-01-02T00:00:00Z',
          transaction_amount: { currency_code: 'EUR', value: '-1.00' },
        }).kind,
    );
    expect(kinds).toEqual(['payout', 'fee', 'adjustment']);
    expect(() =>
      settlementLineOfPaypal({
        transaction_id: 'X',
        transaction_initiation_date: '2026-01-02T00:00:00Z',
        transaction_amount: { currency_code: 'EUR', value: '1.001' },
      }),
    ).toThrow(ConnectorError);
  });
});
