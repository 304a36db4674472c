import { Injectable } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { newId } from '@shared-kernel';
import { StatementIssuedV1 } from '@modules/accounts/contract';
import type { AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { MAX_PERIOD_DAYS, STATEMENT_FORMATS, type StatementKind } from '@modules/accounts/statements/domain/statement';
import { periodNotEnded } from '@modules/accounts/statements/domain/statement-errors';
import { StatementRepository, type StoredStatementRecord } from '@modules/accounts/statements/infrastructure/statement.repository';
import { render } from '@modules/accounts/statements/infrastructure/statement-renderers';
import { GenerateStatement } from '../generate-statement/generate-statement';

const DAY_MS = 86_400_000;

/**
 * Issues a statement: generated once, rendered in every format, and stored with the
 * rendered bytes and their hashes, so each download is byte-for-byte what was issued.
 * Monthly statements are unique per account and month, the final one per account: a
 * second attempt (another pod, a rerun, a resumed closure) answers the first.
 */
@Injectable()
export class IssueStatement {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly statements: StatementRepository,
    private readonly generator: GenerateStatement,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async issue(account: AccountRecord, kind: StatementKind, period: { from: string; to: string }, requestedBy: string): Promise<StoredStatementRecord> {
    const now = this.clock.now();
    if (Date.parse(period.to) > now) throw periodNotEnded(new Date(now).toISOString());
    return this.store(account, kind, period, requestedBy, now);
  }

  private async store(
    account: AccountRecord,
    kind: StatementKind,
    period: { from: string; to: string },
    requestedBy: string,
    now: number,
  ): Promise<StoredStatementRecord> {
    const id = newId();
    const issuedAt = new Date(now).toISOString();
    const statement = await this.generator.generate(account, period, issuedAt, { id, kind });
    const documents = await Promise.all(STATEMENT_FORMATS.map((format) => render(statement, format)));
    const stored = await this.uow.run(async (tx) => {
      const inserted = await this.statements.insert(
        tx,
        {
          id,
          accountId: account.id,
          kind,
          periodFrom: statement.periodFrom,
          periodTo: statement.periodTo,
          openingBalance: statement.openingBalance,
          closingBalance: statement.closingBalance,
          postingCount: statement.lines.length,
          requestedBy,
          issuedAt,
        },
        documents,
      );
      if (inserted) {
        await this.outbox.append(tx, 'accounts', [
          StatementIssuedV1(account.id, {
            statementId: id,
            accountId: account.id,
            ownerId: account.ownerId,
            kind,
            periodFrom: statement.periodFrom,
            periodTo: statement.periodTo,
            issuedAt,
          }),
        ]);
      }
      return inserted;
    });
    const found = stored
      ? await this.statements.find(account.id, id)
      : kind === 'final'
        ? await this.statements.findFinal(account.id)
        : await this.statements.findMonthly(account.id, statement.periodFrom);
    return found!;
  }

  /** Last month's statement (the period must have ended); repeatable. */
  async issueMonthly(account: AccountRecord, month: { from: string; to: string }): Promise<StoredStatementRecord> {
    return (await this.statements.findMonthly(account.id, month.from)) ?? this.issue(account, 'monthly', month, 'job:monthly-statements');
  }

  /**
   * The closing statement: from the end of the last monthly statement (or the opening)
   * up to now, after the balance was swept. Repeatable: a resumed closure finds it.
   */
  async issueFinal(account: AccountRecord): Promise<StoredStatementRecord> {
    const existing = await this.statements.findFinal(account.id);
    if (existing) return existing;
    const now = this.clock.now();
    const lastEnd = (await this.statements.lastMonthlyEnd(account.id))?.getTime();
    const opened = (account.openedAt ?? account.createdAt).getTime();
    const since = lastEnd !== undefined && lastEnd < now ? lastEnd : Math.min(opened, now - 1);
    // A statement covers at most MAX_PERIOD_DAYS: after a longer gap (no monthly statements),
    // the final one opens with the balance of that day instead of refusing to close.
    const from = Math.max(since, now - (MAX_PERIOD_DAYS - 1) * DAY_MS);
    // Posting times come from the database's clock: should it run ahead of ours, the period
    // still ends after the sweep, so the final statement closes at zero.
    const lastPosting = await this.generator.lastPostedAt(account, new Date(from).toISOString());
    const to = Math.max(now, lastPosting === null ? 0 : lastPosting + 1);
    return this.store(account, 'final', { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, 'workflow:closure', now);
  }
}
