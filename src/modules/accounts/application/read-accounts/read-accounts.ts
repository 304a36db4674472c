import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetLedgerAccountsQuery, ListPostingsQuery, type PostingPageView, type PostingsFilter } from '@modules/ledger/contract';
import type { AccountBalancesView, AccountView } from '@modules/accounts/contract';
import { accountNotFound } from '@modules/accounts/domain/account-errors';
import { AccountRepository, accountView, type AccountRecord } from '@modules/accounts/infrastructure/account.repository';

export type AccountWithBalancesView = AccountView & { readonly balances: AccountBalancesView };

/** Reads for the HTTP API: our rows, with balances and history from the ledger's queries. */
@Injectable()
export class ReadAccounts {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly queries: QueryBus,
  ) {}

  /** The account, after `authorize` (which answers 404 for other people's accounts). */
  async get(id: string, authorize: (account: AccountRecord) => void): Promise<AccountRecord> {
    const account = await this.accounts.findById(id);
    if (!account) throw accountNotFound();
    authorize(account);
    return account;
  }

  async withBalances(accounts: readonly AccountRecord[]): Promise<AccountWithBalancesView[]> {
    if (accounts.length === 0) return [];
    const ledger = await this.queries.execute(new GetLedgerAccountsQuery({ ids: accounts.map((a) => a.ledgerAccountId) }));
    const byId = new Map(ledger.map((l) => [l.id, l.balances]));
    // A pending account's ledger account may not exist yet: it holds nothing.
    return accounts.map((a) => ({ ...accountView(a), balances: byId.get(a.ledgerAccountId) ?? { posted: '0', pending: '0', available: '0' } }));
  }

  async ofOwner(ownerId: string): Promise<AccountWithBalancesView[]> {
    return this.withBalances(await this.accounts.findByOwner(ownerId));
  }

  history(account: AccountRecord, options: PostingsFilter): Promise<PostingPageView> {
    return this.queries.execute(new ListPostingsQuery({ accountId: account.ledgerAccountId, options }));
  }
}
