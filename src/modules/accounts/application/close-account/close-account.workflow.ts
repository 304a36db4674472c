import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { DomainError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { ChangeLedgerAccountCommand, GetLedgerAccountsQuery, GetTransferQuery, SubmitTransfersCommand, type BalancesView } from '@modules/ledger/contract';
import { AccountClosedV1 } from '@modules/accounts/contract';
import { nextStatus } from '@modules/accounts/domain/account';
import {
  accountNotFound,
  closureIncomplete,
  overdrawn,
  pendingHolds,
  sweepTargetInvalid,
  sweepTargetRequired,
  transitionNotAllowed,
} from '@modules/accounts/domain/account-errors';
import { AccountRepository, type AccountRecord } from '@modules/accounts/infrastructure/account.repository';
import { InterestSettlement } from './interest-settlement';
import { IssueStatement } from '@modules/accounts/statements/application/issue-statement/issue-statement';

/** Namespace of the sweep transfers' ids (UUIDv5 of `<account id>:sweep:<round>`). */
const SWEEP_ID_NAMESPACE = 'f1c7d2e4-5b1a-4c55-9a0e-3d6b8f2a7c10';
/** Ledger code of closure sweeps (chart of accounts: internal transfers). */
export const SWEEP_TRANSFER_CODE = 9100;
/** Money arriving during the workflow is swept again; beyond this many rounds we stop and retry later. */
const MAX_SWEEP_ROUNDS = 5;

export const sweepTransferId = (accountId: string, round: number) => uuidv5(`${accountId}:sweep:${round}`, SWEEP_ID_NAMESPACE);

/**
 * Closing an account: status closing, interest paid (InterestSettlement), the balance
 * swept to another account of the owner, the ledger account closed (only at zero balance
 * and without holds), then status closed and the account-closed event.
 *
 * Every step can be repeated: the sweep transfers have ids derived from the account id
 * and a round number, and the ledger says which rounds exist, so a rerun after a crash
 * continues where the last run stopped and never sweeps twice (ADR 0010). A run that
 * cannot finish leaves the account closing; the request, repeated, or the resume job
 * continues it.
 */
@Injectable()
export class CloseAccountWorkflow {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly accounts: AccountRepository,
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly outbox: Outbox,
    private readonly interest: InterestSettlement,
    private readonly statements: IssueStatement,
  ) {}

  /** Starts (or resumes) the closure of an account the caller may act on (checked by `authorize`). */
  async request(
    accountId: string,
    authorize: (account: AccountRecord) => void,
    sweepToAccountId: string | undefined,
    requestedBy: string,
  ): Promise<AccountRecord> {
    const account = await this.accounts.findById(accountId);
    if (!account) throw accountNotFound();
    authorize(account);
    if (account.status === 'active') await this.preflight(account, sweepToAccountId);
    await this.uow.run(async (tx) => {
      const current = (await this.accounts.findByIdForUpdate(tx, accountId))!;
      if (nextStatus(current.status, 'close') === null) throw transitionNotAllowed(current.status, 'close');
      if (current.status === 'active') {
        await this.accounts.setStatus(tx, accountId, 'closing');
        await this.accounts.startClosure(tx, { accountId, sweepToAccountId: sweepToAccountId ?? null, requestedBy });
      }
    });
    return this.run(accountId);
  }

  /** Refusals that leave the account as it is: holds, a negative balance, no valid place for the money. */
  private async preflight(account: AccountRecord, sweepToAccountId: string | undefined): Promise<void> {
    const balances = await this.balances(account);
    if (balances.pending !== '0') throw pendingHolds(balances.pending);
    if (BigInt(balances.posted) < 0n) throw overdrawn(balances.posted);
    if (sweepToAccountId === undefined) {
      if (balances.posted !== '0') throw sweepTargetRequired();
      return;
    }
    if (sweepToAccountId === account.id) throw sweepTargetInvalid('it is the account being closed');
    const target = await this.accounts.findById(sweepToAccountId);
    if (!target || target.ownerId !== account.ownerId) throw sweepTargetInvalid('no such account of yours');
    if (target.currency !== account.currency) throw sweepTargetInvalid(`it holds ${target.currency}, not ${account.currency}`);
    if (target.status !== 'active') throw sweepTargetInvalid(`it is ${target.status}`);
  }

  /** The workflow proper, from wherever a previous run stopped. */
  async run(accountId: string): Promise<AccountRecord> {
    const account = (await this.accounts.findById(accountId))!;
    if (account.status === 'closed') return account;
    if (account.status !== 'closing') throw transitionNotAllowed(account.status, 'close');
    const closure = await this.accounts.findClosure(accountId);
    const target = closure?.sweepToAccountId ? await this.accounts.findById(closure.sweepToAccountId) : null;

    // No new overdraft use while closing: a sweep can then never leave the account negative.
    await this.commands.execute(new ChangeLedgerAccountCommand({ accountId: account.ledgerAccountId, change: { overdraftLimit: '0' } }));
    await this.interest.settleBeforeClosure(account);

    for (let attempt = 1; ; attempt++) {
      await this.sweep(account, target);
      try {
        await this.commands.execute(
          new ChangeLedgerAccountCommand({ accountId: account.ledgerAccountId, change: { status: 'closed', requireZeroBalance: true } }),
        );
        break;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        if (error.code === 'LEDGER_ACCOUNT_HAS_PENDING_TRANSFERS') throw pendingHolds('non-zero');
        // Money arrived between the sweep and the close: sweep again.
        if (error.code !== 'LEDGER_ACCOUNT_HAS_BALANCE' || attempt >= MAX_SWEEP_ROUNDS) throw error;
      }
    }

    const swept = await this.sweptSoFar(accountId);
    // The final statement (interest and sweep included) exists before the account reads closed; a resumed run finds it.
    await this.statements.issueFinal(account);
    return this.uow.run(async (tx) => {
      const current = (await this.accounts.findByIdForUpdate(tx, accountId))!;
      if (current.status !== 'closing') return current;
      const closed = await this.accounts.setStatus(tx, accountId, 'closed');
      await this.accounts.completeClosure(tx, accountId, swept.total);
      await this.outbox.append(tx, 'accounts', [
        AccountClosedV1(accountId, {
          accountId,
          ownerId: closed.ownerId,
          ledgerAccountId: closed.ledgerAccountId,
          sweptToAccountId: swept.total > 0n ? (target?.id ?? null) : null,
          sweptAmount: swept.total.toString(),
          currency: closed.currency,
          closedAt: closed.closedAt!.toISOString(),
        }),
      ]);
      return closed;
    });
  }

  /**
   * Moves the posted balance out, in the first round whose transfer id the ledger does not
   * know yet. If two runs race, both use the same round id: the ledger executes it once.
   */
  private async sweep(account: AccountRecord, target: AccountRecord | null): Promise<void> {
    const { rounds } = await this.sweptSoFar(account.id);
    const balances = await this.balances(account);
    if (balances.pending !== '0') throw pendingHolds(balances.pending);
    if (BigInt(balances.posted) < 0n) throw overdrawn(balances.posted);
    if (balances.posted === '0') return;
    if (!target) throw closureIncomplete('money arrived after the closure started and no account to receive it was named');
    const [result] = await this.commands.execute(
      new SubmitTransfersCommand({
        transfers: [
          {
            id: sweepTransferId(account.id, rounds),
            debitAccountId: account.ledgerAccountId,
            creditAccountId: target.ledgerAccountId,
            amount: balances.posted,
            currency: account.currency,
            code: SWEEP_TRANSFER_CODE,
            reference: `accounts:closure:${account.id}`,
          },
        ],
      }),
    );
    // A lost race (another run used this round, or the balance moved) is resolved by the next round.
    if (result?.status === 'failed' && result.error !== 'EXCEEDS_CREDITS' && result.error !== 'ID_EXISTS_WITH_DIFFERENT_FIELDS') {
      throw closureIncomplete(`the ledger refused the sweep (${result.error})`);
    }
  }

  private async sweptSoFar(accountId: string): Promise<{ rounds: number; total: bigint }> {
    let total = 0n;
    for (let round = 0; ; round++) {
      const transfer = await this.queries.execute(new GetTransferQuery({ id: sweepTransferId(accountId, round) }));
      if (!transfer) return { rounds: round, total };
      total += BigInt(transfer.amount);
    }
  }

  private async balances(account: AccountRecord): Promise<BalancesView> {
    const [ledgerAccount] = await this.queries.execute(new GetLedgerAccountsQuery({ ids: [account.ledgerAccountId] }));
    if (!ledgerAccount) throw closureIncomplete('the ledger account is missing');
    return ledgerAccount.balances;
  }
}
