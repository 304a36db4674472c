import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { GetPaymentQuery, type PaymentView } from '@modules/payments/contract';
import { PaymentRepository } from '@modules/payments/infrastructure/payment.repository';

@QueryHandler(GetPaymentQuery)
export class GetPaymentQueryHandler implements IQueryHandler<GetPaymentQuery, PaymentView | null> {
  constructor(private readonly repository: PaymentRepository) {}

  execute({ id }: GetPaymentQuery): Promise<PaymentView | null> {
    return this.repository.find(id);
  }
}
