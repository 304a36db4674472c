import { Module } from '@nestjs/common';
import { BENEFICIARY_PROVIDERS, BeneficiariesHttpController } from './beneficiaries/beneficiaries.providers';
import { GetPaymentQueryHandler } from './application/get-payment/get-payment.query-handler';
import { ConfiguredConnectors } from './connectors/configured-connectors';
import { ConnectorRegistry } from './connectors/connector-registry';
import { ConnectorRouter } from './connectors/connector-router';
import { PaymentRepository } from './infrastructure/payment.repository';

@Module({
  controllers: [BeneficiariesHttpController],
  providers: [PaymentRepository, GetPaymentQueryHandler, ConnectorRegistry, ConnectorRouter, ConfiguredConnectors, ...BENEFICIARY_PROVIDERS],
})
export class PaymentsModule {}
