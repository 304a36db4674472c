import { defineContract } from '@shared-kernel';
import { CancelPaymentCommand, CreatePaymentCommand, RefundPaymentCommand } from './commands/payment-commands';
import { PAYMENT_EVENTS } from './events/payment-events.v1';
import { GetPaymentQuery } from './queries/get-payment.query';

export * from './views';
export * from './reconciliation';
export * from './commands/payment-commands';
export * from './queries/get-payment.query';
export * from './events/payment-events.v1';

/** What payments offers other contexts: these commands and queries (over the bus) and events (topic payments.events). */
export const paymentsContract = defineContract({
  commands: [CreatePaymentCommand, RefundPaymentCommand, CancelPaymentCommand],
  queries: [GetPaymentQuery],
  events: [...PAYMENT_EVENTS],
});
