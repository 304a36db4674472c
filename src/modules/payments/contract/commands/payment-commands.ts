import { z } from 'zod';
import { defineCommand, Id, POSITIVE_MINOR_UNITS_PATTERN, CurrencyCode, singleLineText } from '@shared-kernel';
import { PaymentView } from '../views';

/**
 * One line first, then a URL: z.url() would silently strip tabs and line breaks from what the
 * client sent (the WHATWG parser does), and the provider would get another address.
 */
const ReturnUrl = singleLineText(1, 2000)
  .refine((value) => URL.canParse(value), 'must be an absolute URL')
  .meta({ format: 'uri' });

const Amount = z
  .string()
  .regex(POSITIVE_MINOR_UNITS_PATTERN, 'must be a positive integer of minor units within 64 bits, as a string')
  .meta({ example: '2500' });

/** A pay-in: a card or wallet charged through a gateway, credited to the customer's account on settlement. */
export const NewPayIn = z
  .strictObject({
    accountId: Id.describe('The customer account credited on settlement'),
    amount: Amount,
    currency: CurrencyCode,
    method: z.enum(['card', 'wallet']).describe('card (Stripe, Adyen) or wallet (PayPal)'),
    paymentMethodToken: singleLineText(1, 200).optional().describe("The provider's token for the card or wallet (never a card number)"),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')
      .optional(),
    returnUrl: ReturnUrl.optional().describe('Where the provider sends the customer back after an action'),
    reference: singleLineText(0, 140).optional(),
    orderId: Id.optional().describe('The order this pays (orders context)'),
  })
  .meta({ id: 'NewPayIn' });
export type NewPayIn = z.infer<typeof NewPayIn>;

/** A payout: money from the customer's account to one of their saved beneficiaries, by a bank rail. */
export const NewPayout = z
  .strictObject({
    accountId: Id.describe('The customer account debited (held at once, posted on settlement)'),
    beneficiaryId: Id,
    amount: Amount,
    currency: CurrencyCode,
    method: z.enum(['ach', 'wire', 'sepa', 'swift']),
    reference: singleLineText(0, 140).optional().describe('Remittance information'),
  })
  .meta({ id: 'NewPayout' });
export type NewPayout = z.infer<typeof NewPayout>;

/** A customer's IBAN or ten-digit account number, as accounts shows them (spaces and lower case allowed in an IBAN). */
const PayeeAccountNumber = z
  .string()
  .regex(/^(?:[0-9]{10}|[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){10,30})$/, 'must be an IBAN or a ten-digit account number')
  .meta({ example: 'DE89370400440532013000' });

/** An internal transfer: money from the customer's account to another customer's account, settled at once on the ledger. */
export const NewTransfer = z
  .strictObject({
    accountId: Id.describe('The customer account debited'),
    payeeAccount: PayeeAccountNumber.describe("The receiving account's IBAN or account number"),
    amount: Amount,
    currency: CurrencyCode,
    reference: singleLineText(0, 140).optional().describe('Shown to the payer and the payee'),
  })
  .meta({ id: 'NewTransfer' });
export type NewTransfer = z.infer<typeof NewTransfer>;

/**
 * Starts a pay-in, payout or transfer for `ownerId`. `id` is the payment's id, chosen by the caller (the
 * HTTP layer derives it from the Idempotency-Key): the same id and fields again answer the same
 * payment; the same id with other fields is a conflict (PAYMENT_EXISTS_WITH_DIFFERENT_FIELDS).
 */
export const CreatePaymentCommand = defineCommand('payments.create-payment.v1', {
  payload: z.object({
    id: Id,
    ownerId: Id,
    payment: z.discriminatedUnion('kind', [
      NewPayIn.extend({ kind: z.literal('pay_in') }),
      NewPayout.extend({ kind: z.literal('payout') }),
      NewTransfer.extend({ kind: z.literal('transfer') }),
    ]),
  }),
  result: PaymentView,
});
export type CreatePaymentCommand = InstanceType<typeof CreatePaymentCommand>;

/** Refunds all or part of a settled pay-in (a reversing ledger transfer and the provider's refund). */
export const RefundPaymentCommand = defineCommand('payments.refund-payment.v1', {
  payload: z.object({
    paymentId: Id,
    refundId: Id.describe('Chosen by the caller: the refund happens once'),
    amount: Amount,
    reason: singleLineText(0, 200).optional(),
  }),
  result: PaymentView,
});
export type RefundPaymentCommand = InstanceType<typeof RefundPaymentCommand>;

/** Cancels a payment that has not reached the provider's point of no return (created, requires_action). */
export const CancelPaymentCommand = defineCommand('payments.cancel-payment.v1', {
  payload: z.object({ paymentId: Id }),
  result: PaymentView,
});
export type CancelPaymentCommand = InstanceType<typeof CancelPaymentCommand>;
