import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { isUuid } from '@shared-kernel';
import { GetAccountQuery, type AccountView } from '@modules/accounts/contract';
import { AccountRepository, accountView } from '@modules/accounts/infrastructure/account.repository';

/** Other contexts resolve an account (without balances) on the bus. */
@QueryHandler(GetAccountQuery)
export class GetAccountQueryHandler implements IQueryHandler<GetAccountQuery, AccountView | null> {
  constructor(private readonly accounts: AccountRepository) {}

  async execute({ id }: GetAccountQuery): Promise<AccountView | null> {
    // The contract takes any string (callers pass what they were given): a non-UUID names no account.
    if (!isUuid(id)) return null;
    const account = await this.accounts.findById(id);
    return account ? accountView(account) : null;
  }
}
