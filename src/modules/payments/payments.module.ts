import { Module } from '@nestjs/common';
import { GetPaymentQueryHandler } from './application/get-payment/get-payment.query-handler';
import { PaymentRepository } from './infrastructure/payment.repository';

@Module({
  providers: [PaymentRepository, GetPaymentQueryHandler],
})
export class PaymentsModule {}
