import { Module } from '@nestjs/common';
import { AdminPaymentsHttpController } from './api/admin-payments.http-controller';
import { PAYMENT_JOBS_CONTROLLERS, PAYMENT_JOBS_PROVIDERS } from './api/payment-jobs.http-controller';
import { PaymentWebhooksHttpController } from './api/payment-webhooks.http-controller';
import { PaymentsHttpController } from './api/payments.http-controller';
import { PayoutsHttpController } from './api/payouts.http-controller';
import { BENEFICIARY_PROVIDERS, BeneficiariesHttpController, BeneficiaryDirectory } from './beneficiaries/beneficiaries.providers';
import { PaymentReports } from './application/apply-report/payment-reports';
import { BeneficiaryLookup } from './application/beneficiary-lookup';
import { CancelPayment, CancelPaymentCommandHandler } from './application/cancel-payment/cancel-payment';
import { CreatePayment, CreatePaymentCommandHandler } from './application/create-payment/create-payment';
import { DispatchPaymentsJob } from './application/dispatch/dispatch-payments.job';
import { PaymentsSignal } from './application/dispatch/dispatch-signal';
import { CaptureApproved } from './application/capture/capture-approved';
import { GatewayCalls } from './application/dispatch/gateway-calls';
import { GetPaymentQueryHandler } from './application/get-payment/get-payment.query-handler';
import { PaymentLedger } from './application/payment-ledger';
import { ProcessProviderEventsJob } from './application/provider-events/process-provider-events.job';
import { ReadPayments } from './application/read-payments/read-payments';
import { RefundPaymentCommandHandler, Refunds } from './application/refunds/refunds';
import { StatusSyncJob } from './application/status-sync/status-sync.job';
import { ConfiguredConnectors } from './connectors/configured-connectors';
import { ConnectorRegistry } from './connectors/connector-registry';
import { ConnectorRouter } from './connectors/connector-router';
import { PaymentRepository } from './infrastructure/payment.repository';
import { ProviderEventRepository } from './infrastructure/provider-event.repository';
import { RefundRepository } from './infrastructure/refund.repository';

@Module({
  controllers: [
    PaymentsHttpController,
    PayoutsHttpController,
    AdminPaymentsHttpController,
    PaymentWebhooksHttpController,
    BeneficiariesHttpController,
    ...PAYMENT_JOBS_CONTROLLERS,
  ],
  providers: [
    PaymentRepository,
    RefundRepository,
    ProviderEventRepository,
    GetPaymentQueryHandler,
    ConnectorRegistry,
    ConnectorRouter,
    ConfiguredConnectors,
    ...BENEFICIARY_PROVIDERS,
    { provide: BeneficiaryLookup, useExisting: BeneficiaryDirectory },
    PaymentsSignal,
    PaymentLedger,
    PaymentReports,
    GatewayCalls,
    CaptureApproved,
    CreatePayment,
    CreatePaymentCommandHandler,
    DispatchPaymentsJob,
    StatusSyncJob,
    ProcessProviderEventsJob,
    Refunds,
    RefundPaymentCommandHandler,
    CancelPayment,
    CancelPaymentCommandHandler,
    ReadPayments,
    ...PAYMENT_JOBS_PROVIDERS,
  ],
})
export class PaymentsModule {}
