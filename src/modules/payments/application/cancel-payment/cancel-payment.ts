import { Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { CancelPaymentCommand, type PaymentView } from '@modules/payments/contract';
import { notCancelable, paymentInFlight, paymentNotFound } from '@modules/payments/domain/payment-errors';
import { PaymentRepository, paymentViewOf } from '@modules/payments/infrastructure/payment.repository';
import { PaymentReports } from '../apply-report/payment-reports';
import { GatewayCalls } from '../dispatch/gateway-calls';

/** A lease the cancel takes on a created payment, so the dispatch job cannot send it meanwhile. */
const CANCEL_LEASE_MS = 60_000;

/**
 * Cancels a payment the provider has not taken on (created) or that waits for the customer
 * (requires_action). A created payment is canceled only when no gateway call is or may be
 * under way: it must not be leased by the dispatch job nor pinned to a connector (a pin
 * means an earlier call may have reached the provider) — otherwise 409 PAYMENT_IN_FLIGHT. A
 * requires_action payment is canceled at the provider first (outside any transaction) when
 * its connector can. Either way the change goes through PaymentReports (the payout's hold is
 * voided, PaymentCanceledV1 published). Canceling a canceled payment answers it unchanged.
 */
@Injectable()
export class CancelPayment {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly reports: PaymentReports,
    private readonly gateway: GatewayCalls,
    private readonly registry: ConnectorRegistry,
  ) {}

  async execute(paymentId: string): Promise<PaymentView> {
    const row = await this.payments.findRow(paymentId);
    if (!row) throw paymentNotFound();
    if (row.state === 'canceled') return paymentViewOf(row);
    if (row.state === 'created') {
      const { rows } = await this.uow.query<{ id: string }>(
        `update payments.payments set lease_until = now() + make_interval(secs => $2::double precision / 1000)
         where id = $1 and state = 'created' and connector is null and (lease_until is null or lease_until < now()) returning id`,
        [paymentId, CANCEL_LEASE_MS],
      );
      if (rows.length === 0) {
        const now = (await this.payments.findRow(paymentId))!;
        if (now.state === 'created') throw paymentInFlight();
        return this.execute(paymentId);
      }
      const { payment } = await this.reports.apply(paymentId, { status: 'canceled' }, 'api');
      await this.payments.releaseLease(paymentId);
      return this.answer(payment);
    }
    if (row.state === 'requires_action') {
      const connector = row.connector ? this.registry.get(row.connector) : undefined;
      if (connector?.cancel && row.provider_reference) {
        const result = await this.gateway.cancel(row, connector);
        const { payment } = await this.reports.apply(
          paymentId,
          { status: result.status, connector: connector.name, providerReference: result.providerReference },
          'api',
          { operation: 'cancel' },
        );
        return this.answer(payment);
      }
      return this.answer((await this.reports.apply(paymentId, { status: 'canceled' }, 'api')).payment);
    }
    throw notCancelable(row.state);
  }

  /** The provider may have moved on meanwhile (succeeded before the cancel landed): say so rather than pretend. */
  private answer(payment: PaymentView): PaymentView {
    if (payment.state !== 'canceled') throw notCancelable(payment.state);
    return payment;
  }
}

@CommandHandler(CancelPaymentCommand)
export class CancelPaymentCommandHandler implements ICommandHandler<CancelPaymentCommand, PaymentView> {
  constructor(private readonly cancel: CancelPayment) {}

  execute({ paymentId }: CancelPaymentCommand): Promise<PaymentView> {
    return this.cancel.execute(paymentId);
  }
}
