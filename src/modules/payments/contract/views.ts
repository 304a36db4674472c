import { z } from 'zod';
import { CurrencyCode, Id, MinorUnits, Timestamp } from '@shared-kernel';

/*
 * What the payments context answers with, on the bus and over HTTP. Amounts are minor units
 * as decimal strings (never floats), currencies ISO 4217 codes.
 */

/** Money in (a card or wallet charged through a gateway, a bank credit received), money out (a payout to a beneficiary), or between two customers. */
export const PaymentKind = z.enum(['pay_in', 'payout', 'transfer']);
export type PaymentKind = z.infer<typeof PaymentKind>;

/** How the money moves: through a card gateway, a wallet, or a bank rail. */
export const PaymentMethod = z.enum(['card', 'wallet', 'bank_credit', 'ach', 'wire', 'sepa', 'swift', 'internal']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

/** The explicit state machine (src/modules/payments/domain/payment-state.ts states the transitions). */
export const PaymentState = z.enum([
  'created',
  'requires_action',
  'processing',
  'succeeded',
  'failed',
  'canceled',
  'partially_refunded',
  'refunded',
  'returned',
]);
export type PaymentState = z.infer<typeof PaymentState>;

/** The gateway or rail connectors (src/modules/payments/connectors). */
export const ConnectorName = z.enum(['stripe', 'adyen', 'paypal', 'ach', 'wire', 'sepa', 'swift', 'internal']);
export type ConnectorName = z.infer<typeof ConnectorName>;

export const PaymentView = z
  .object({
    id: Id,
    ownerId: Id,
    kind: PaymentKind,
    method: PaymentMethod,
    state: PaymentState,
    amount: MinorUnits,
    currency: CurrencyCode,
    fee: MinorUnits.describe('Charged to the customer on settlement (payouts), in the payment currency'),
    refundedAmount: MinorUnits,
    accountId: Id.describe("The customer's account the money leaves (payout, transfer) or reaches (pay-in)"),
    counterpartyAccountId: Id.nullable().describe('Transfers: the receiving customer account'),
    beneficiaryId: Id.nullable().describe('Payouts: the saved external bank account'),
    orderId: Id.nullable().describe('The order this pays (orders context), if any'),
    connector: ConnectorName.nullable().describe('The connector that carries it, once routed'),
    providerReference: z.string().nullable().describe("The provider's id for it (PaymentIntent, PSP reference, PayPal order, file trace)"),
    nextAction: z
      .object({ type: z.literal('redirect'), url: z.string() })
      .nullable()
      .describe('requires_action: what the customer must do (3-D Secure, PayPal approval)'),
    failureCode: z.string().nullable(),
    review: z.string().nullable().describe('Why staff must look at it (status sync gave up, provider and ledger disagree); null when nothing is wrong'),
    reference: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Payment' });
export type PaymentView = z.infer<typeof PaymentView>;
