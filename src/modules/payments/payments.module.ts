import { Module } from '@nestjs/common';
import { GetPaymentQueryHandler } from './application/get-payment/get-payment.query-handler';
import { ConfiguredConnectors } from './connectors/configured-connectors';
import { ConnectorRegistry } from './connectors/connector-registry';
import { ConnectorRouter } from './connectors/connector-router';
import { PaymentRepository } from './infrastructure/payment.repository';

@Module({
  providers: [PaymentRepository, GetPaymentQueryHandler, ConnectorRegistry, ConnectorRouter, ConfiguredConnectors],
})
export class PaymentsModule {}
