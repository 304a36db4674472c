import { Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { GetBalanceAsOfQuery, ListPostingsQuery, type PostingView } from '@modules/ledger/contract';
import type { AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { buildStatement, justBefore, periodProblem, type Statement, type StatementKind } from '@modules/accounts/statements/domain/statement';
import { periodInvalid } from '@modules/accounts/statements/domain/statement-errors';

const PAGE = 500;

/**
 * A statement for any period, from the ledger's queries: the posted balance just before
 * the period starts, then the period's posted postings in ledger order (the closing
 * balance follows from them and is checked against the ledger's balance after each).
 */
@Injectable()
export class GenerateStatement {
  constructor(private readonly queries: QueryBus) {}

  async generate(
    account: AccountRecord,
    period: { from: string; to: string },
    issuedAt: string,
    stored?: { id: string; kind: StatementKind },
  ): Promise<Statement> {
    const from = Date.parse(period.from);
    const to = Date.parse(period.to);
    const problem = periodProblem(from, to);
    if (problem) throw periodInvalid(problem);
    const periodFrom = new Date(from).toISOString();
    const periodTo = new Date(to).toISOString();
    const opening = await this.queries.execute(new GetBalanceAsOfQuery({ accountId: account.ledgerAccountId, asOf: justBefore(from) }));
    const postings = await this.postings(account, periodFrom, periodTo);
    return buildStatement({
      account: { id: account.id, accountNumber: account.accountNumber, iban: account.iban, product: account.product, currency: account.currency },
      periodFrom,
      periodTo,
      openingBalance: BigInt(opening?.posted ?? '0'),
      postings,
      issuedAt,
      id: stored?.id,
      kind: stored?.kind,
    });
  }

  /** When the account's last posted posting at or after `from` happened (epoch ms), or null. */
  async lastPostedAt(account: AccountRecord, from: string): Promise<number | null> {
    const last = (await this.postings(account, from)).at(-1);
    return last ? Date.parse(last.createdAt) : null;
  }

  private async postings(account: AccountRecord, from: string, to?: string): Promise<PostingView[]> {
    const postings: PostingView[] = [];
    for (let cursor: string | undefined; ;) {
      const page = await this.queries.execute(
        new ListPostingsQuery({ accountId: account.ledgerAccountId, options: { from, to, bucket: 'posted', cursor, limit: PAGE } }),
      );
      postings.push(...page.items);
      if (!page.nextCursor) return postings;
      cursor = page.nextCursor;
    }
  }
}
