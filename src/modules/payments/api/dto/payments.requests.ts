import { z } from 'zod';
import { Id, MinorUnits, POSITIVE_MINOR_UNITS_PATTERN, SequenceCursor, singleLineText, Timestamp } from '@shared-kernel';
import { ConnectorName, NewPayIn, NewPayout, NewTransfer, PaymentState, PaymentView } from '@modules/payments/contract';

/* The payments API's HTTP shapes: what the contract's views and commands do not already say. */

export const PaymentIdParams = z.strictObject({ id: Id });
export const ConnectorParams = z.strictObject({ connector: ConnectorName });

export const PayInRequest = NewPayIn;
export const PayoutRequest = NewPayout;
export const TransferRequest = NewTransfer;

export const RefundRequest = z
  .strictObject({
    amount: z
      .string()
      .regex(POSITIVE_MINOR_UNITS_PATTERN, 'must be a positive integer of minor units within 64 bits, as a string')
      .optional()
      .meta({ description: 'Minor units; default the whole remainder', example: '1000' }),
    reason: singleLineText(0, 200).optional(),
  })
  .meta({ id: 'RefundRequest' });

const limit = z.coerce.number().int().min(1).max(200).optional().describe('Page size (default PAYMENTS_PAGE_SIZE)');
const cursor = SequenceCursor.optional().describe('nextCursor of the previous page');

export const PaymentListQuery = z.strictObject({ cursor, limit });
export const AdminPaymentListQuery = z.strictObject({
  state: PaymentState.optional(),
  review: z.enum(['true', 'false']).optional().describe('true: only payments marked for review; false: only the others'),
  ownerId: Id.optional(),
  cursor,
  limit,
});

export const PaymentPage = z
  .object({
    items: z.array(PaymentView).describe('Newest first'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null at the end'),
  })
  .meta({ id: 'PaymentPage' });
export type PaymentPage = z.infer<typeof PaymentPage>;

export const PaymentTransition = z
  .object({
    seq: z.number().int(),
    from: PaymentState.nullable(),
    to: PaymentState,
    cause: z.enum(['api', 'gateway', 'webhook', 'sync', 'job', 'staff', 'rail']),
    applied: z.boolean().describe('false: a report the state machine refused (recorded, not applied)'),
    detail: z.record(z.string(), z.unknown()).nullable(),
    at: Timestamp,
  })
  .meta({ id: 'PaymentTransition' });

export const GatewayCall = z
  .object({
    connector: z.string(),
    operation: z.string(),
    idempotencyKey: z.string(),
    outcome: z.enum(['succeeded', 'failed', 'retryable', 'unknown']),
    errorCode: z.string().nullable(),
    latencyMs: z.number().int(),
    at: Timestamp,
  })
  .meta({ id: 'GatewayCall' });

export const RefundView = z
  .object({
    id: Id,
    amount: MinorUnits,
    state: z.enum(['pending', 'processing', 'succeeded', 'failed']),
    failureCode: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Refund' });

export const PaymentDetail = PaymentView.extend({
  transitions: z.array(PaymentTransition),
  gatewayCalls: z.array(GatewayCall),
  refunds: z.array(RefundView),
}).meta({ id: 'PaymentDetail' });
export type PaymentDetail = z.infer<typeof PaymentDetail>;

export const WebhookReceipt = z
  .object({
    received: z.number().int().describe('Events the webhook carried'),
    stored: z.number().int().describe('Events new to us (the rest were redeliveries)'),
  })
  .meta({ id: 'PaymentWebhookReceipt' });
export type WebhookReceipt = z.infer<typeof WebhookReceipt>;
