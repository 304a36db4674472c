import { paymentResult, translateAdyenItem } from './adyen/adyen.mapping';
import { minorUnitsOfPaypalValue, orderResult, paypalValue, translatePaypalEvent } from './paypal/paypal.mapping';
import { intentResult, refundResult, translateStripeEvent } from './stripe/stripe.mapping';
import { minorUnitsAsJsonNumber, statusError, transportError } from './transport';

describe('Stripe mapping', () => {
  it.each([
    ['succeeded', 'succeeded'],
    ['processing', 'processing'],
    ['requires_capture', 'processing'],
    ['requires_confirmation', 'processing'],
    ['canceled', 'canceled'],
  ])('PaymentIntent %s → %s', (status, ours) => {
    expect(intentResult({ id: 'pi_1', status }).status).toBe(ours);
  });

  it('requires_action carries the redirect; requires_payment_method after a decline is failed with the decline code', () => {
    expect(
      intentResult({
        id: 'pi_1',
        status: 'requires_action',
        next_action: { type: 'redirect_to_url', redirect_to_url: { url: 'https://hooks.stripe.com/3ds' } },
      }),
    ).toEqual({
      status: 'requires_action',
      providerReference: 'pi_1',
      nextAction: { type: 'redirect', url: 'https://hooks.stripe.com/3ds' },
    });
    expect(
      intentResult({ id: 'pi_1', status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } }),
    ).toEqual({
      status: 'failed',
      providerReference: 'pi_1',
      failureCode: 'insufficient_funds',
    });
  });

  it('refund statuses', () => {
    expect(refundResult({ id: 're_1', status: 'succeeded' }).status).toBe('succeeded');
    expect(refundResult({ id: 're_1', status: 'pending' }).status).toBe('processing');
    expect(refundResult({ id: 're_1', status: 'failed', failure_reason: 'expired_or_canceled_card' })).toEqual({
      status: 'failed',
      providerReference: 're_1',
      failureCode: 'expired_or_canceled_card',
    });
  });

  it.each([
    ['payment_intent.succeeded', 'succeeded'],
    ['payment_intent.payment_failed', 'failed'],
    ['payment_intent.canceled', 'canceled'],
    ['payment_intent.processing', 'processing'],
    ['payment_intent.requires_action', 'requires_action'],
  ])('event %s → payment %s, with our id from metadata', (type, status) => {
    const [event] = translateStripeEvent({
      id: 'evt_1',
      type,
      created: 1_700_000_000,
      data: { object: { id: 'pi_1', status: 'x', amount: 500, amount_received: 500, metadata: { payment_id: 'p1' } } },
    });
    expect(event).toMatchObject({
      eventId: 'evt_1',
      subject: 'payment',
      status,
      providerReference: 'pi_1',
      paymentId: 'p1',
      occurredAt: new Date(1_700_000_000_000),
    });
  });

  it('unknown event types say nothing', () => {
    expect(translateStripeEvent({ id: 'evt_1', type: 'customer.created', created: 1, data: { object: {} } })).toEqual([]);
  });
});

describe('Adyen mapping', () => {
  it.each([
    ['Authorised', 'succeeded'],
    ['Refused', 'failed'],
    ['Error', 'failed'],
    ['Cancelled', 'canceled'],
    ['RedirectShopper', 'requires_action'],
    ['IdentifyShopper', 'requires_action'],
    ['ChallengeShopper', 'requires_action'],
    ['Pending', 'processing'],
    ['Received', 'processing'],
  ])('resultCode %s → %s', (resultCode, ours) => {
    expect(paymentResult({ resultCode, pspReference: 'PSP1' }, '').status).toBe(ours);
  });

  it('a refusal carries its reason code', () => {
    expect(paymentResult({ resultCode: 'Refused', pspReference: 'PSP1', refusalReasonCode: '24' }, '')).toEqual({
      status: 'failed',
      providerReference: 'PSP1',
      failureCode: 'Refused:24',
    });
  });

  const item = (eventCode: string, success: 'true' | 'false', over: Record<string, unknown> = {}) => ({
    pspReference: 'MOD1',
    originalReference: 'PSP1',
    merchantReference: 'p1',
    eventCode,
    success,
    eventDate: '2026-01-01T12:00:00+01:00',
    amount: { value: 700, currency: 'EUR' },
    ...over,
  });

  it('notifications: AUTHORISATION, CAPTURE, CANCELLATION, REFUND with success true and false', () => {
    expect(translateAdyenItem(item('AUTHORISATION', 'true', { pspReference: 'PSP1', originalReference: undefined }))).toMatchObject([
      { eventId: 'PSP1:AUTHORISATION:true', subject: 'payment', status: 'succeeded', providerReference: 'PSP1', paymentId: 'p1', amount: 700n },
    ]);
    expect(translateAdyenItem(item('AUTHORISATION', 'false', { pspReference: 'PSP1', reason: 'Not enough balance' }))).toMatchObject([
      { status: 'failed', failureCode: 'Refused:Not enough balance' },
    ]);
    expect(translateAdyenItem(item('CAPTURE', 'true'))).toMatchObject([{ subject: 'payment', status: 'succeeded', providerReference: 'PSP1' }]);
    expect(translateAdyenItem(item('CAPTURE', 'false'))).toMatchObject([{ status: 'failed', failureCode: 'capture_failed' }]);
    expect(translateAdyenItem(item('CANCELLATION', 'true'))).toMatchObject([{ status: 'canceled', providerReference: 'PSP1' }]);
    expect(translateAdyenItem(item('CANCELLATION', 'false'))).toEqual([]);
    expect(translateAdyenItem(item('REFUND', 'true'))).toMatchObject([{ subject: 'refund', status: 'refunded', providerReference: 'MOD1', amount: 700n }]);
    expect(translateAdyenItem(item('REFUND', 'false'))).toMatchObject([{ subject: 'refund', status: 'failed' }]);
    expect(translateAdyenItem(item('REPORT_AVAILABLE', 'true'))).toEqual([]);
  });
});

describe('PayPal mapping', () => {
  it('amounts: minor units ↔ PayPal decimal strings by the currency, without floats', () => {
    expect(paypalValue(1999n, 'EUR')).toBe('19.99');
    expect(paypalValue(5n, 'USD')).toBe('0.05');
    expect(paypalValue(1500n, 'JPY')).toBe('1500');
    expect(paypalValue(1n, 'XXX')).toBeUndefined();
    expect(minorUnitsOfPaypalValue('19.99', 'EUR')).toBe(1999n);
    expect(minorUnitsOfPaypalValue('19.9', 'EUR')).toBe(1990n);
    expect(minorUnitsOfPaypalValue('1500', 'JPY')).toBe(1500n);
    expect(minorUnitsOfPaypalValue('1.001', 'EUR')).toBeUndefined();
    expect(minorUnitsOfPaypalValue('1e3', 'EUR')).toBeUndefined();
  });

  it('orders: buyer needed, approved, completed by capture status, voided', () => {
    expect(orderResult({ id: 'O1', status: 'PAYER_ACTION_REQUIRED', links: [{ rel: 'payer-action', href: 'https://paypal/x' }] })).toEqual({
      status: 'requires_action',
      providerReference: 'O1',
      nextAction: { type: 'redirect', url: 'https://paypal/x' },
    });
    expect(orderResult({ id: 'O1', status: 'APPROVED' })).toEqual({ status: 'processing', providerReference: 'O1', needsCapture: true });
    expect(orderResult({ id: 'O1', status: 'COMPLETED', purchase_units: [{ payments: { captures: [{ id: 'C1', status: 'COMPLETED' }] } }] }).status).toBe(
      'succeeded',
    );
    expect(orderResult({ id: 'O1', status: 'COMPLETED', purchase_units: [{ payments: { captures: [{ id: 'C1', status: 'PENDING' }] } }] }).status).toBe(
      'processing',
    );
    expect(orderResult({ id: 'O1', status: 'COMPLETED', purchase_units: [{ payments: { captures: [{ id: 'C1', status: 'DECLINED' }] } }] })).toMatchObject({
      status: 'failed',
      failureCode: 'DECLINED',
    });
    expect(orderResult({ id: 'O1', status: 'VOIDED' }).status).toBe('canceled');
  });

  it('events: approval asks for a capture; capture completed / denied; refund', () => {
    const capture = {
      id: 'C1',
      status: 'COMPLETED',
      custom_id: 'p1',
      amount: { value: '10.00', currency_code: 'EUR' },
      supplementary_data: { related_ids: { order_id: 'O1' } },
    };
    expect(
      translatePaypalEvent({
        id: 'E1',
        event_type: 'CHECKOUT.ORDER.APPROVED',
        resource: { id: 'O1', status: 'APPROVED', purchase_units: [{ custom_id: 'p1' }] },
      }),
    ).toMatchObject([{ eventId: 'E1', providerReference: 'O1', paymentId: 'p1', status: 'processing', needsCapture: true }]);
    expect(translatePaypalEvent({ id: 'E2', event_type: 'PAYMENT.CAPTURE.COMPLETED', resource: capture })).toMatchObject([
      { providerReference: 'O1', status: 'succeeded', amount: 1000n, paymentId: 'p1' },
    ]);
    expect(translatePaypalEvent({ id: 'E3', event_type: 'PAYMENT.CAPTURE.DENIED', resource: capture })).toMatchObject([
      { status: 'failed', failureCode: 'DENIED' },
    ]);
    expect(
      translatePaypalEvent({
        id: 'E4',
        event_type: 'PAYMENT.CAPTURE.REFUNDED',
        resource: { id: 'R1', custom_id: 'p1', amount: { value: '2.50', currency_code: 'EUR' } },
      }),
    ).toMatchObject([{ subject: 'refund', status: 'refunded', providerReference: 'R1', amount: 250n }]);
    expect(translatePaypalEvent({ id: 'E5', event_type: 'BILLING.PLAN.CREATED', resource: {} })).toEqual([]);
  });
});

describe('transport errors', () => {
  const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
  const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }) });
  const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
  const timedOut = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

  it('not sent → retryable, outcome known; sent without an answer → retryable, outcome unknown when the call changes state', () => {
    expect(transportError('stripe', refused, 'authorize', true)).toMatchObject({ code: 'UNREACHABLE', retryable: true, outcomeUnknown: false });
    expect(transportError('stripe', dns, 'authorize', true)).toMatchObject({ code: 'UNREACHABLE', retryable: true, outcomeUnknown: false });
    expect(transportError('stripe', reset, 'authorize', true)).toMatchObject({ code: 'CONNECTION_LOST', retryable: true, outcomeUnknown: true });
    expect(transportError('stripe', timedOut, 'authorize', true)).toMatchObject({ code: 'TIMEOUT', retryable: true, outcomeUnknown: true });
    expect(transportError('stripe', timedOut, 'status', false)).toMatchObject({ code: 'TIMEOUT', retryable: true, outcomeUnknown: false });
  });

  it('statuses: 5xx unknown on a change, 429 known, 4xx not retryable', () => {
    expect(statusError('adyen', 500, undefined, 'authorize', true)).toMatchObject({ code: 'HTTP_500', retryable: true, outcomeUnknown: true });
    expect(statusError('adyen', 503, undefined, 'status', false)).toMatchObject({ retryable: true, outcomeUnknown: false });
    expect(statusError('adyen', 429, undefined, 'authorize', true)).toMatchObject({ retryable: true, outcomeUnknown: false });
    expect(statusError('adyen', 422, '14_012', 'authorize', true)).toMatchObject({ code: '14_012', retryable: false, outcomeUnknown: false });
  });

  it('amounts to JSON numbers only within 2^53', () => {
    expect(minorUnitsAsJsonNumber('adyen', 9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
    expect(() => minorUnitsAsJsonNumber('adyen', 9_007_199_254_740_992n)).toThrow(/out of range|outside/);
  });
});
