import { Module } from '@nestjs/common';
import { AdminPaymentsHttpController } from './api/admin-payments.http-controller';
import { AdminRailsHttpController } from './api/admin-rails.http-controller';
import { AdminReconciliationHttpController } from './api/admin-reconciliation.http-controller';
import { PAYMENT_JOBS_CONTROLLERS, PAYMENT_JOBS_PROVIDERS } from './api/payment-jobs.http-controller';
import { PaymentWebhooksHttpController } from './api/payment-webhooks.http-controller';
import { PaymentsHttpController } from './api/payments.http-controller';
import { PayoutsHttpController } from './api/payouts.http-controller';
import { CustomerTransfersHttpController } from './api/customer-transfers.http-controller';
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
import { BankCredits } from './application/rails/bank-credits';
import { RailJobs } from './application/rails/rail-jobs';
import { RailReports } from './application/rails/rail-reports';
import { ReadPayments } from './application/read-payments/read-payments';
import { ReconcileSettlements } from './application/reconciliation/reconcile-settlements';
import { ReconciliationJob } from './application/reconciliation/reconciliation.job';
import { RefundPaymentCommandHandler, Refunds } from './application/refunds/refunds';
import { StatusSyncJob } from './application/status-sync/status-sync.job';
import { ConfiguredConnectors } from './connectors/configured-connectors';
import { ConnectorRegistry } from './connectors/connector-registry';
import { ConnectorRouter } from './connectors/connector-router';
import { PaymentRepository } from './infrastructure/payment.repository';
import { ProviderEventRepository } from './infrastructure/provider-event.repository';
import { ReconciliationRepository } from './infrastructure/reconciliation.repository';
import { RefundRepository } from './infrastructure/refund.repository';
import { BankRails } from './rails/bank-rails';
import { RailPayoutRepository } from './rails/rail-payout.repository';
import { RailReportRepository } from './rails/rail-report.repository';

@Module({
  controllers: [
    PaymentsHttpController,
    PayoutsHttpController,
    CustomerTransfersHttpController,
    AdminPaymentsHttpController,
    AdminRailsHttpController,
    AdminReconciliationHttpController,
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
    ReconciliationRepository,
    ReconcileSettlements,
    ReconciliationJob,
    ...PAYMENT_JOBS_PROVIDERS,
    // bank rails: connectors from block "rails", their jobs and reports
    RailPayoutRepository,
    RailReportRepository,
    BankRails,
    BankCredits,
    RailReports,
    RailJobs,
  ],
})
export class PaymentsModule {}
