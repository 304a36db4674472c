import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { FindAccountByNumberQuery, type AccountView } from '@modules/accounts/contract';
import { electronicIban } from '@modules/accounts/domain/iban';
import { AccountRepository, accountView } from '@modules/accounts/infrastructure/account.repository';

const ACCOUNT_NUMBER = /^[0-9]{10}$/;

/** Other contexts resolve an account a customer named by its account number or IBAN (payments' transfers). */
@QueryHandler(FindAccountByNumberQuery)
export class FindAccountByNumberQueryHandler implements IQueryHandler<FindAccountByNumberQuery, AccountView | null> {
  constructor(private readonly accounts: AccountRepository) {}

  async execute({ number }: FindAccountByNumberQuery): Promise<AccountView | null> {
    const trimmed = number.trim();
    if (ACCOUNT_NUMBER.test(trimmed)) {
      const account = await this.accounts.findByNumber({ accountNumber: trimmed });
      return account ? accountView(account) : null;
    }
    const iban = electronicIban(trimmed);
    if (!iban) return null;
    const account = await this.accounts.findByNumber({ iban });
    return account ? accountView(account) : null;
  }
}
