import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetAccountQuery } from '@modules/accounts/contract';
import { accountNotActive, accountNotFound, currencyMismatch } from '@modules/orders/domain/order-errors';

/**
 * The account an order's pay-ins name must be the owner's own, active, in the order's
 * currency. Asked of accounts through its contract (GetAccountQuery), never its tables.
 */
@Injectable()
export class PayerAccount {
  constructor(private readonly queries: QueryBus) {}

  async assertPayable(ownerId: string, accountId: string, currency: string): Promise<void> {
    const account = await this.queries.execute(new GetAccountQuery({ id: accountId }));
    if (!account || account.ownerId !== ownerId) throw accountNotFound();
    if (account.currency !== currency) throw currencyMismatch(account.currency);
    if (account.status !== 'active') throw accountNotActive(account.status);
  }
}
