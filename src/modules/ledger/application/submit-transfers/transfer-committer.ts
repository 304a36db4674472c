import { Inject, Injectable, Logger } from '@nestjs/common';
import { Histogram } from 'prom-client';
import { Clock } from '@platform/clock';
import { ledgerConfig, type LedgerConfig } from '@modules/ledger/ledger.config';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Metrics } from '@platform/metrics/metrics';
import { Outbox } from '@platform/messaging/outbox';
import { pgCode } from '@platform/database/unit-of-work';
import { isInfrastructureFault } from '@platform/faults/infrastructure-fault';
import type { IntegrationEvent } from '@shared-kernel';
import { PendingTransferResolvedV1, TransferCreatedV1 } from '@modules/ledger/contract';
import { applyBatch, type BatchResult } from '@modules/ledger/domain/ledger-engine';
import type { Posting, Transfer, TransferOutcome, TransferRequest } from '@modules/ledger/domain/transfer';
import { LedgerRepository } from '@modules/ledger/infrastructure/ledger.repository';
import { transferView } from '@modules/ledger/infrastructure/ledger-rows';

interface Submission {
  readonly requests: readonly TransferRequest[];
  resolve(outcomes: TransferOutcome[]): void;
  reject(error: unknown): void;
}

/** Largest number of transfers committed in one transaction. */
const MAX_BATCH = 8192;

/**
 * Group commit: submissions that arrive while batches are being written wait and are
 * committed together in the next one — one transaction, a handful of statements — then
 * each caller gets its own outcomes. Idle, a submission commits at once (no added delay);
 * under load, batches grow by themselves. Up to `commitConcurrency` batches are in flight
 * per process, so one batch's round trips and fsync overlap the next one's work;
 * batches (of this pod or others) that touch the same accounts serialise on the account
 * row locks, always taken in id order, so they cannot deadlock.
 */
@Injectable()
export class TransferCommitter {
  private readonly logger = new Logger('TransferCommitter');
  private readonly queue: Submission[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly batchSize: Histogram<never>;

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: LedgerRepository,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    metrics: Metrics,
    @Inject(ledgerConfig.token) config: LedgerConfig,
  ) {
    this.concurrency = config.commitConcurrency;
    this.batchSize = new Histogram({
      name: 'skyro_ledger_commit_batch_transfers',
      help: 'Transfers per ledger commit (group commit batch size)',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192],
      registers: [metrics.registry],
    });
  }

  submit(requests: readonly TransferRequest[]): Promise<TransferOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ requests, resolve, reject });
      this.pump();
    });
  }

  /** Starts batches while there is work and room; each finished batch pumps again. */
  private pump(): void {
    while (this.queue.length && this.inFlight < this.concurrency) {
      const batch: Submission[] = [];
      let size = 0;
      while (this.queue.length && (batch.length === 0 || size + this.queue[0]!.requests.length <= MAX_BATCH)) {
        const next = this.queue.shift()!;
        batch.push(next);
        size += next.requests.length;
      }
      this.inFlight++;
      void this.commitOrIsolate(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** Commits a batch; if it fails for a reason other than contention or an unavailable database, each submission is tried alone so one bad request cannot fail the others. */
  private async commitOrIsolate(batch: Submission[]): Promise<void> {
    try {
      const outcomes = await this.commit(batch.map((s) => s.requests));
      batch.forEach((s, i) => s.resolve(outcomes[i]!));
    } catch (error) {
      // Alone, or when the database itself is unavailable (one at a time would only fail
      // again, each waiting for its own connection): every submission gets the error.
      if (batch.length === 1 || isInfrastructureFault(error)) {
        for (const submission of batch) submission.reject(error);
        return;
      }
      this.logger.warn({ err: error, submissions: batch.length, code: pgCode(error) }, 'ledger batch failed; retrying its submissions one by one');
      for (const submission of batch) await this.commitOrIsolate([submission]);
    }
  }

  private commit(submissions: ReadonlyArray<readonly TransferRequest[]>): Promise<TransferOutcome[][]> {
    const requests = submissions.flat();
    this.batchSize.observe(requests.length);
    return this.uow.run(
      async (tx) => {
        const state = await this.repository.loadForBatch(tx, {
          transferIds: unique(requests.map((r) => r.id)),
          accountIds: unique(requests.flatMap((r) => [r.debitAccountId, r.creditAccountId]).filter((id): id is string => id !== undefined)),
          pendingIds: unique(requests.map((r) => r.pendingId).filter((id): id is string => id !== undefined)),
        });
        const result = applyBatch(state, submissions, this.clock.now());
        const committedAt = await this.repository.writeBatch(tx, state, result);
        await this.outbox.append(tx, 'ledger', eventsOf(result, committedAt));
        // Answer with the database's commit-side timestamps of the new transfers.
        return result.outcomes.map((list) =>
          list.map((o) => (o.status === 'created' ? { ...o, transfer: { ...o.transfer, createdAt: committedAt.get(o.id) ?? o.transfer.createdAt } } : o)),
        );
      },
      // 23505: another pod inserted one of these transfer ids first; on retry it "exists".
      { maxAttempts: 8, retryOn: ['23505'] },
    );
  }
}

function eventsOf(result: BatchResult, committedAt: Map<string, number>): IntegrationEvent[] {
  const events: IntegrationEvent[] = [];
  for (const { transfer, postings } of result.created) {
    const stamped: Transfer = { ...transfer, createdAt: committedAt.get(transfer.id) ?? transfer.createdAt };
    events.push(
      TransferCreatedV1(transfer.id, {
        transfer: transferView(stamped),
        debitAccount: { id: transfer.debitAccountId, balances: lastBalances(postings, transfer.debitAccountId) },
        creditAccount: { id: transfer.creditAccountId, balances: lastBalances(postings, transfer.creditAccountId) },
      }),
    );
    if (transfer.pendingId) {
      events.push(
        PendingTransferResolvedV1(transfer.pendingId, {
          pendingId: transfer.pendingId,
          resolution: transfer.kind === 'post_pending' ? 'posted' : transfer.kind === 'void_pending' ? 'voided' : 'expired',
          transferId: transfer.id,
          postedAmount: transfer.kind === 'post_pending' ? transfer.amount.toString() : null,
          currency: transfer.currency,
        }),
      );
    }
  }
  return events;
}

function lastBalances(postings: readonly Posting[], accountId: string): { posted: string; pending: string; available: string } {
  const last = postings.filter((p) => p.accountId === accountId).at(-1)!;
  return { posted: last.balanceAfter.toString(), pending: last.pendingAfter.toString(), available: last.availableAfter.toString() };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
