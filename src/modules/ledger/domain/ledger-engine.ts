import { balancesOf, type LedgerAccountState } from './ledger-account';
import { accountsAcceptPostings } from './rules/account-accepts-postings.rule';
import { balanceRuleBroken } from './rules/balance-limits.rule';
import { fingerprintOf, type PendingTransfer, type Posting, type Transfer, type TransferError, type TransferOutcome, type TransferRequest } from './transfer';

export interface LedgerState {
  /** Accounts the batch may touch, mutated in place. */
  readonly accounts: Map<string, LedgerAccountState>;
  /** Pending transfers the batch refers to (and the ones it creates), mutated in place. */
  readonly pendings: Map<string, PendingTransfer>;
  /** Transfers that already exist with the batch's ids (and the ones it creates). */
  readonly transfers: Map<string, Transfer>;
}

export interface BatchResult {
  /** One list of outcomes per submission, in request order. */
  readonly outcomes: TransferOutcome[][];
  /** Transfers created, in order, with their postings. */
  readonly created: Array<{ readonly transfer: Transfer; readonly postings: readonly Posting[] }>;
  readonly changedAccounts: ReadonlySet<string>;
  readonly newPendings: readonly PendingTransfer[];
  readonly resolvedPendings: readonly PendingTransfer[];
}

/**
 * Applies a batch of transfer submissions to ledger state, in order, exactly as if each
 * had been committed alone: the same rules, the same outcome. Pure (no I/O): the caller
 * loads the state, runs this, and writes the result in one transaction — which is what
 * lets concurrent requests share one database round trip (group commit).
 *
 * Within a submission, a run of transfers marked `linked` plus the transfer after it form
 * a chain that applies completely or not at all. Chains never span submissions.
 */
export function applyBatch(state: LedgerState, submissions: ReadonlyArray<readonly TransferRequest[]>, now: number): BatchResult {
  return new BatchApplier(state, now).run(submissions);
}

class BatchApplier {
  private readonly undo: Array<() => void> = [];
  private readonly created: Array<{ transfer: Transfer; postings: Posting[] }> = [];
  private readonly changedAccounts = new Set<string>();
  private readonly newPendings: PendingTransfer[] = [];
  private readonly resolvedPendings: PendingTransfer[] = [];

  constructor(
    private readonly state: LedgerState,
    private readonly now: number,
  ) {}

  run(submissions: ReadonlyArray<readonly TransferRequest[]>): BatchResult {
    const outcomes = submissions.map((requests) => this.submission(requests));
    return {
      outcomes,
      created: this.created,
      changedAccounts: this.changedAccounts,
      newPendings: this.newPendings,
      resolvedPendings: this.resolvedPendings,
    };
  }

  private submission(requests: readonly TransferRequest[]): TransferOutcome[] {
    const outcomes: TransferOutcome[] = [];
    let start = 0;
    while (start < requests.length) {
      let end = start;
      while (end < requests.length && requests[end]!.linked) end++;
      if (end === requests.length) {
        // The last transfer says "linked" to nothing: the chain is incomplete.
        for (let k = start; k < requests.length; k++) {
          outcomes.push(failed(requests[k]!.id, k === requests.length - 1 ? 'LINKED_CHAIN_OPEN' : 'LINKED_EVENT_FAILED'));
        }
        break;
      }
      outcomes.push(...this.chain(requests.slice(start, end + 1)));
      start = end + 1;
    }
    return outcomes;
  }

  private chain(chain: readonly TransferRequest[]): TransferOutcome[] {
    const savepoint = this.undo.length;
    const outcomes: TransferOutcome[] = [];
    for (const [index, request] of chain.entries()) {
      const outcome = this.transfer(request);
      if (outcome.status === 'failed') {
        this.rollbackTo(savepoint);
        return chain.map((r, k) => (k === index ? outcome : failed(r.id, 'LINKED_EVENT_FAILED')));
      }
      outcomes.push(outcome);
    }
    return outcomes;
  }

  private transfer(request: TransferRequest): TransferOutcome {
    const fingerprint = fingerprintOf(request);
    const prior = this.state.transfers.get(request.id);
    if (prior)
      return prior.fingerprint === fingerprint ? { id: request.id, status: 'exists', transfer: prior } : failed(request.id, 'ID_EXISTS_WITH_DIFFERENT_FIELDS');

    const savepoint = this.undo.length;
    const result = request.kind === 'posted' || request.kind === 'pending' ? this.fresh(request, fingerprint) : this.resolve(request, fingerprint);
    if (typeof result === 'string') {
      this.rollbackTo(savepoint);
      return failed(request.id, result);
    }
    this.state.transfers.set(result.transfer.id, result.transfer);
    this.created.push(result);
    this.undo.push(() => {
      this.state.transfers.delete(result.transfer.id);
      this.created.pop();
    });
    return { id: request.id, status: 'created', transfer: result.transfer };
  }

  /** A posted or pending transfer between two accounts. */
  private fresh(r: TransferRequest, fingerprint: string): { transfer: Transfer; postings: Posting[] } | TransferError {
    if (r.amount === undefined || r.amount <= 0n) return 'AMOUNT_MUST_BE_POSITIVE';
    if (r.debitAccountId === r.creditAccountId) return 'ACCOUNTS_MUST_BE_DIFFERENT';
    const debit = this.state.accounts.get(r.debitAccountId ?? '');
    if (!debit) return 'DEBIT_ACCOUNT_NOT_FOUND';
    const credit = this.state.accounts.get(r.creditAccountId ?? '');
    if (!credit) return 'CREDIT_ACCOUNT_NOT_FOUND';
    if (r.currency !== debit.currency || r.currency !== credit.currency) return 'CURRENCY_MISMATCH';
    const refused = accountsAcceptPostings(r.kind, debit, credit);
    if (refused) return refused;

    const bucket = r.kind === 'pending' ? 'pending' : 'posted';
    const postings = [this.post(r.id, debit, 'debit', bucket, r.amount), this.post(r.id, credit, 'credit', bucket, r.amount)];
    const broken = balanceRuleBroken(debit, credit);
    if (broken) return broken;

    const timeoutAt = r.kind === 'pending' && r.timeoutSeconds ? this.now + r.timeoutSeconds * 1000 : null;
    const transfer: Transfer = {
      id: r.id,
      kind: r.kind,
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount: r.amount,
      currency: debit.currency,
      pendingId: null,
      timeoutAt,
      code: r.code,
      reference: r.reference ?? null,
      fingerprint,
      createdAt: this.now,
    };
    if (r.kind === 'pending') {
      const pending: PendingTransfer = {
        id: r.id,
        debitAccountId: debit.id,
        creditAccountId: credit.id,
        amount: r.amount,
        currency: debit.currency,
        state: 'pending',
        expiresAt: timeoutAt,
        resolvedBy: null,
        postedAmount: null,
      };
      this.state.pendings.set(r.id, pending);
      this.newPendings.push(pending);
      this.undo.push(() => {
        this.state.pendings.delete(r.id);
        this.newPendings.pop();
      });
    }
    return { transfer, postings };
  }

  /** Posting (fully or partly), voiding or expiring a pending transfer: at most once. */
  private resolve(r: TransferRequest, fingerprint: string): { transfer: Transfer; postings: Posting[] } | TransferError {
    const pending = this.state.pendings.get(r.pendingId ?? '');
    if (!pending) return 'PENDING_TRANSFER_NOT_FOUND';
    if (pending.state === 'posted') return 'PENDING_TRANSFER_ALREADY_POSTED';
    if (pending.state === 'voided') return 'PENDING_TRANSFER_ALREADY_VOIDED';
    if (pending.state === 'expired') return 'PENDING_TRANSFER_EXPIRED';
    const timedOut = pending.expiresAt !== null && this.now >= pending.expiresAt;
    if (r.kind === 'expire_pending' ? !timedOut : timedOut) return r.kind === 'expire_pending' ? 'PENDING_TRANSFER_NOT_EXPIRED' : 'PENDING_TRANSFER_EXPIRED';
    if (
      (r.debitAccountId !== undefined && r.debitAccountId !== pending.debitAccountId) ||
      (r.creditAccountId !== undefined && r.creditAccountId !== pending.creditAccountId)
    ) {
      return 'PENDING_ACCOUNTS_MISMATCH';
    }
    if (r.currency !== undefined && r.currency !== pending.currency) return 'CURRENCY_MISMATCH';

    let amount = pending.amount;
    if (r.kind === 'post_pending') {
      amount = r.amount ?? pending.amount;
      if (amount <= 0n) return 'AMOUNT_MUST_BE_POSITIVE';
      if (amount > pending.amount) return 'EXCEEDS_PENDING_AMOUNT';
    } else if (r.amount !== undefined && r.amount !== pending.amount) {
      return 'PENDING_AMOUNT_MISMATCH';
    }
    const debit = this.state.accounts.get(pending.debitAccountId)!;
    const credit = this.state.accounts.get(pending.creditAccountId)!;
    const refused = accountsAcceptPostings(r.kind, debit, credit);
    if (refused) return refused;

    const postings = [this.post(r.id, debit, 'debit', 'pending', -pending.amount)];
    if (r.kind === 'post_pending') postings.push(this.post(r.id, debit, 'debit', 'posted', amount));
    postings.push(this.post(r.id, credit, 'credit', 'pending', -pending.amount));
    if (r.kind === 'post_pending') postings.push(this.post(r.id, credit, 'credit', 'posted', amount));
    const broken = balanceRuleBroken(debit, credit);
    if (broken) return broken;

    const previous = { state: pending.state, resolvedBy: pending.resolvedBy, postedAmount: pending.postedAmount };
    pending.state = r.kind === 'post_pending' ? 'posted' : r.kind === 'void_pending' ? 'voided' : 'expired';
    pending.resolvedBy = r.id;
    pending.postedAmount = r.kind === 'post_pending' ? amount : null;
    this.resolvedPendings.push(pending);
    this.undo.push(() => {
      Object.assign(pending, previous);
      this.resolvedPendings.pop();
    });

    const transfer: Transfer = {
      id: r.id,
      kind: r.kind,
      debitAccountId: debit.id,
      creditAccountId: credit.id,
      amount,
      currency: pending.currency,
      pendingId: pending.id,
      timeoutAt: null,
      code: r.code,
      reference: r.reference ?? null,
      fingerprint,
      createdAt: this.now,
    };
    return { transfer, postings };
  }

  /** Moves one bucket of one account and records the posting with the balances after it. */
  private post(transferId: string, account: LedgerAccountState, side: 'debit' | 'credit', bucket: 'posted' | 'pending', amount: bigint): Posting {
    const before = {
      debitsPending: account.debitsPending,
      debitsPosted: account.debitsPosted,
      creditsPending: account.creditsPending,
      creditsPosted: account.creditsPosted,
    };
    this.undo.push(() => Object.assign(account, before));
    if (side === 'debit') {
      if (bucket === 'posted') account.debitsPosted += amount;
      else account.debitsPending += amount;
    } else if (bucket === 'posted') account.creditsPosted += amount;
    else account.creditsPending += amount;
    this.changedAccounts.add(account.id);
    const balances = balancesOf(account);
    return {
      transferId,
      accountId: account.id,
      side,
      bucket,
      amount,
      balanceAfter: balances.posted,
      pendingAfter: balances.pending,
      availableAfter: balances.available,
    };
  }

  private rollbackTo(savepoint: number): void {
    while (this.undo.length > savepoint) this.undo.pop()!();
  }
}

function failed(id: string, error: TransferError): TransferOutcome {
  return { id, status: 'failed', error };
}
