import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { FindAccountByIbanQuery, type AccountView } from '@modules/accounts/contract';
import { AccountRepository, accountView } from '@modules/accounts/infrastructure/account.repository';

/** Other contexts find an account by its IBAN on the bus (IBANs are unique; spaces and case are ignored). */
@QueryHandler(FindAccountByIbanQuery)
export class FindAccountByIbanQueryHandler implements IQueryHandler<FindAccountByIbanQuery, AccountView | null> {
  constructor(private readonly accounts: AccountRepository) {}

  async execute({ iban }: FindAccountByIbanQuery): Promise<AccountView | null> {
    const electronic = iban.replace(/\s+/g, '').toUpperCase();
    if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(electronic)) return null;
    const account = await this.accounts.findByIban(electronic);
    return account ? accountView(account) : null;
  }
}
