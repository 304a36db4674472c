import { z } from 'zod';
import { defineIntegrationEvent } from '@shared-kernel';
import { ReconciliationMismatchView } from '../reconciliation';
import { PaymentView } from '../views';

/*
 * Every event of a payment's life, on topic `payments.events`, each carrying the payment as it
 * is after the change (no card data, no account numbers: the view holds neither). Each is
 * appended in the transaction that made the change, once per transition.
 */
const PaymentEventData = (id: string) => z.object({ payment: PaymentView }).meta({ id });

export const PaymentCreatedV1 = defineIntegrationEvent('payments.payment-created.v1', 'payments.events', PaymentEventData('PaymentCreatedV1'));
export type PaymentCreatedV1 = z.infer<typeof PaymentCreatedV1.data>;

/** The customer must act (3-D Secure, a wallet's approval): the view's `nextAction` says what; no token or secret is in it. */
export const PaymentRequiresActionV1 = defineIntegrationEvent(
  'payments.payment-requires-action.v1',
  'payments.events',
  PaymentEventData('PaymentRequiresActionV1'),
);
export type PaymentRequiresActionV1 = z.infer<typeof PaymentRequiresActionV1.data>;

export const PaymentProcessingV1 = defineIntegrationEvent('payments.payment-processing.v1', 'payments.events', PaymentEventData('PaymentProcessingV1'));
export type PaymentProcessingV1 = z.infer<typeof PaymentProcessingV1.data>;

export const PaymentSucceededV1 = defineIntegrationEvent('payments.payment-succeeded.v1', 'payments.events', PaymentEventData('PaymentSucceededV1'));
export type PaymentSucceededV1 = z.infer<typeof PaymentSucceededV1.data>;

export const PaymentFailedV1 = defineIntegrationEvent('payments.payment-failed.v1', 'payments.events', PaymentEventData('PaymentFailedV1'));
export type PaymentFailedV1 = z.infer<typeof PaymentFailedV1.data>;

export const PaymentCanceledV1 = defineIntegrationEvent('payments.payment-canceled.v1', 'payments.events', PaymentEventData('PaymentCanceledV1'));
export type PaymentCanceledV1 = z.infer<typeof PaymentCanceledV1.data>;

export const PaymentRefundedV1 = defineIntegrationEvent('payments.payment-refunded.v1', 'payments.events', PaymentEventData('PaymentRefundedV1'));
export type PaymentRefundedV1 = z.infer<typeof PaymentRefundedV1.data>;

export const PaymentReturnedV1 = defineIntegrationEvent('payments.payment-returned.v1', 'payments.events', PaymentEventData('PaymentReturnedV1'));
export type PaymentReturnedV1 = z.infer<typeof PaymentReturnedV1.data>;

export const PaymentReviewRequiredV1 = defineIntegrationEvent(
  'payments.payment-review-required.v1',
  'payments.events',
  PaymentEventData('PaymentReviewRequiredV1'),
);
export type PaymentReviewRequiredV1 = z.infer<typeof PaymentReviewRequiredV1.data>;

/** Alert: a provider's settlement report disagrees with our payments or the ledger (one event per new mismatch; a rerun raises none). */
export const PaymentReconciliationMismatchV1 = defineIntegrationEvent(
  'payments.reconciliation-mismatch.v1',
  'payments.events',
  z.object({ mismatch: ReconciliationMismatchView }).meta({ id: 'PaymentReconciliationMismatchV1' }),
);
export type PaymentReconciliationMismatchV1 = z.infer<typeof PaymentReconciliationMismatchV1.data>;

export const PAYMENT_EVENTS = [
  PaymentCreatedV1,
  PaymentRequiresActionV1,
  PaymentProcessingV1,
  PaymentSucceededV1,
  PaymentFailedV1,
  PaymentCanceledV1,
  PaymentRefundedV1,
  PaymentReturnedV1,
  PaymentReviewRequiredV1,
  PaymentReconciliationMismatchV1,
] as const;
