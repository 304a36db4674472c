import { newId, type EventEnvelope } from '@shared-kernel';
import type { PaymentView } from '@modules/payments/contract';
import { requestOf } from '../application/on-account-event/on-account-event.event-handler';
import { paymentRequestOf } from '../application/on-payment-event/on-payment-event.event-handler';
import { TemplateRenderer } from '../infrastructure/template-renderer';
import { BUILTIN_TEMPLATES } from './builtin-templates';

/** An accounts event envelope as the inbox hands it over. */
const envelope = (type: string, data: object) => ({ id: newId(), type, subject: newId(), data }) as unknown as EventEnvelope;

const ownerId = newId();
const accountId = newId();
/** A payment as payments' events carry it (with a reference and provider id the messages must not show). */
function payment(state: PaymentView['state'], refundedAmount: string): PaymentView {
  return {
    ...{ id: newId(), ownerId, kind: 'payout', method: 'sepa', state, amount: '123456', currency: 'EUR', fee: '150', refundedAmount, accountId },
    ...{ counterpartyAccountId: null, beneficiaryId: newId(), orderId: null, connector: 'sepa', providerReference: 'PRV-7', nextAction: null },
    ...{ failureCode: null, review: null, reference: 'Rent for Jane Doe', createdAt: '2026-05-01T10:00:00.000Z', updatedAt: '2026-05-01T10:00:00.000Z' },
  };
}
/** The variables each shipped template gets in production: from the event mapping, or identity's link. */
const VARIABLES: Record<string, Record<string, string>> = {
  'verify-email': { link: 'http://127.0.0.1:3000/auth/verify-email#token=skr_ev_x' },
  'password-reset': { link: 'http://127.0.0.1:3000/auth/reset-password#token=skr_pr_x' },
  'account-exists': {},
  'password-changed': {},
  'balance-changed': requestOf(
    envelope('accounts.balance-changed.v1', {
      accountId,
      ownerId,
      currency: 'EUR',
      transferId: newId(),
      asOf: '2026-05-01T10:00:00.000Z',
      balances: { posted: '-123456', pending: '0', available: '0' },
    }),
  )!.variables,
  'statement-issued': requestOf(
    envelope('accounts.statement-issued.v1', {
      statementId: newId(),
      accountId,
      ownerId,
      kind: 'monthly',
      periodFrom: '2026-04-01T00:00:00.000Z',
      periodTo: '2026-05-01T00:00:00.000Z',
      issuedAt: '2026-05-01T01:00:00.000Z',
    }),
  )!.variables,
  'interest-capitalised': requestOf(
    envelope('accounts.interest-capitalised.v1', {
      accountId,
      ownerId,
      currency: 'JPY',
      period: '2026-04',
      amount: '1234',
      transferId: newId(),
      capitalisedAt: '2026-05-01T00:00:00.000Z',
    }),
  )!.variables,
  'account-closed': requestOf(
    envelope('accounts.account-closed.v1', {
      accountId,
      ownerId,
      ledgerAccountId: newId(),
      sweptToAccountId: newId(),
      sweptAmount: '500',
      currency: 'EUR',
      closedAt: '2026-05-02T08:00:00.000Z',
    }),
  )!.variables,
  'product-news': { headline: 'New cards', body: 'Metal cards are here.' },
  'payment-failed': paymentRequestOf(envelope('payments.payment-failed.v1', { payment: payment('failed', '0') }))!.variables,
  'payment-returned': paymentRequestOf(envelope('payments.payment-returned.v1', { payment: payment('returned', '0') }))!.variables,
  'payment-refunded': paymentRequestOf(envelope('payments.payment-refunded.v1', { payment: payment('partially_refunded', '2500') }))!.variables,
};

describe('the shipped templates', () => {
  const renderer = new TemplateRenderer();

  it('each has en and de texts for every channel it goes out on', () => {
    for (const t of BUILTIN_TEMPLATES) {
      for (const locale of ['en', 'de'])
        for (const channel of t.channels) expect([t.key, locale, channel, Boolean(t.locales[locale]?.[channel])]).toEqual([t.key, locale, channel, true]);
    }
    expect(Object.keys(VARIABLES).sort()).toEqual(BUILTIN_TEMPLATES.map((t) => t.key).sort());
  });

  it('each renders in every locale and channel with the variables its event supplies (strict Liquid), SMS within 160 characters', async () => {
    for (const t of BUILTIN_TEMPLATES) {
      for (const [locale, channels] of Object.entries(t.locales)) {
        for (const [channel, text] of Object.entries(channels)) {
          const scope = { ...VARIABLES[t.key], name: 'Anna', locale, timeZone: 'Europe/Berlin' };
          const out = await renderer.render(text, scope, channel === 'sms' ? { smsMaxLength: 160 } : {});
          expect(out.text.length).toBeGreaterThan(0);
          if (channel === 'email') expect([t.key, locale, Boolean(out.subject && out.html)]).toEqual([t.key, locale, true]);
        }
      }
    }
  });

  it('formats the amounts of accounts events with the currency exponent per locale', async () => {
    const balance = BUILTIN_TEMPLATES.find((t) => t.key === 'balance-changed')!;
    const scope = (locale: string) => ({ ...VARIABLES['balance-changed'], name: 'Anna', locale, timeZone: 'Europe/Berlin' });
    expect((await renderer.render(balance.locales['en']!.in_app!, scope('en'))).text).toMatch(
      /^Your balance is now -1,234\.56 EUR \(May 1, 2026, 12:00\sPM\)\.$/,
    );
    expect((await renderer.render(balance.locales['de']!.push!, scope('de'))).text).toBe('Dein Kontostand beträgt jetzt -1.234,56 EUR.');
    const interest = BUILTIN_TEMPLATES.find((t) => t.key === 'interest-capitalised')!;
    expect(
      (await renderer.render(interest.locales['en']!.in_app!, { ...VARIABLES['interest-capitalised'], name: 'A', locale: 'en', timeZone: 'UTC' })).text,
    ).toBe('We paid 1,234 JPY interest into your account (2026-04).');
  });

  it("tells a payment's owner of a failure, a return (and the fee kept) and a refund, with amounts only", async () => {
    const text = async (key: string, locale = 'en', channel: 'in_app' | 'push' = 'in_app') =>
      (
        await renderer.render(BUILTIN_TEMPLATES.find((t) => t.key === key)!.locales[locale]![channel]!, {
          ...VARIABLES[key],
          name: 'A',
          locale,
          timeZone: 'UTC',
        })
      ).text;
    expect(await text('payment-failed')).toBe('Your payment of 1,234.56 EUR did not go through. No money moved.');
    expect(await text('payment-returned')).toBe(
      'The receiving bank returned your payment of 1,234.56 EUR. The money is back in your account; the fee of 1.50 EUR stays charged.',
    );
    expect(await text('payment-refunded', 'de', 'push')).toBe('Wir haben 25,00 EUR deiner Zahlung über 1.234,56 EUR erstattet.');
    const request = paymentRequestOf(envelope('payments.payment-returned.v1', { payment: payment('returned', '0') }))!;
    expect(request.userId).toBe(ownerId);
    expect(JSON.stringify(request)).not.toMatch(/PRV-7|Jane Doe/);
    expect(paymentRequestOf(envelope('payments.payment-succeeded.v1', { payment: payment('succeeded', '0') }))).toBeNull();
  });
});
