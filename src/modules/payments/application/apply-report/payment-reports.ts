import { Inject, Injectable, Logger } from '@nestjs/common';
import type { IntegrationEvent } from '@shared-kernel';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import {
  PaymentCanceledV1,
  PaymentCreatedV1,
  PaymentFailedV1,
  PaymentProcessingV1,
  PaymentRefundedV1,
  PaymentRequiresActionV1,
  PaymentReturnedV1,
  PaymentReviewRequiredV1,
  PaymentSucceededV1,
  type ConnectorName,
  type PaymentState,
  type PaymentView,
} from '@modules/payments/contract';
import { reconcile, type TransitionOutcome } from '@modules/payments/domain/payment-state';
import {
  PaymentRepository,
  paymentViewOf,
  type PaymentChanges,
  type PaymentRow,
  type TransitionCause,
} from '@modules/payments/infrastructure/payment.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';
import { LedgerStepRefused, PaymentLedger } from '../payment-ledger';

/** What a provider (its API answer, a webhook, a status poll) or a rail says about a payment. */
export interface ProviderReport {
  readonly status: PaymentState;
  readonly connector?: ConnectorName;
  readonly providerReference?: string;
  readonly nextAction?: { readonly type: 'redirect'; readonly url: string };
  readonly failureCode?: string;
}

export interface ApplyOptions {
  /**
   * The payment as the caller just read it: spares the first read. It may be stale — it only
   * decides whether to go to the ledger; the move is decided again under the row lock.
   */
  readonly known?: PaymentRow;
  /** The move also releases the dispatch lease (one statement fewer for the job holding it). */
  readonly releaseLease?: boolean;
}

export interface ApplyOutcome {
  readonly outcome: TransitionOutcome['kind'];
  readonly payment: PaymentView;
}

/** The event a payment entering `state` publishes (requires_action's view carries the next action). */
export function eventFor(state: PaymentState, payment: PaymentView): IntegrationEvent {
  const data = { payment };
  switch (state) {
    case 'created':
      return PaymentCreatedV1(payment.id, data);
    case 'processing':
      return PaymentProcessingV1(payment.id, data);
    case 'succeeded':
      return PaymentSucceededV1(payment.id, data);
    case 'failed':
      return PaymentFailedV1(payment.id, data);
    case 'canceled':
      return PaymentCanceledV1(payment.id, data);
    case 'partially_refunded':
    case 'refunded':
      return PaymentRefundedV1(payment.id, data);
    case 'returned':
      return PaymentReturnedV1(payment.id, data);
    case 'requires_action':
      return PaymentRequiresActionV1(payment.id, data);
  }
}

/**
 * The one way a provider's report changes a payment, used by every path (the gateway's
 * answer, webhooks, status sync, jobs, staff):
 *
 *   1. read the row (no lock: or the row the caller holds) and ask reconcile() what the
 *      report means from where the payment is: a repeat or a late earlier stage that teaches
 *      nothing stops here; a move that needs the ledger goes to 2; anything else is decided
 *      again under the row lock and written there (a move the state machine does not allow
 *      is recorded, applied = false, and not made);
 *   2. if the move needs money to move (settlement, release of a hold, a return), do the
 *      ledger step — outside any payments transaction, with its derived id;
 *   3. lock the row again and, if the move still applies (another path may have made it
 *      meanwhile), update the row, append the transition and the matching event, in one
 *      transaction.
 *
 * The state changes only after its ledger step succeeded. A process that dies between 2
 * and 3 leaves the payment where it was with the money moved; the next report (the
 * dispatch retry, a webhook, status sync) repeats step 2 — the ledger answers `exists` —
 * and completes step 3. Two reports racing both reach step 2 with the same transfer id:
 * the ledger moves the money once, and only one of them makes the transition.
 */
@Injectable()
export class PaymentReports {
  private readonly logger = new Logger('PaymentReports');

  constructor(
    private readonly uow: UnitOfWork,
    private readonly payments: PaymentRepository,
    private readonly ledger: PaymentLedger,
    private readonly outbox: Outbox,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  async apply(
    paymentId: string,
    report: ProviderReport,
    cause: TransitionCause,
    detail: Record<string, unknown> = {},
    options: ApplyOptions = {},
  ): Promise<ApplyOutcome> {
    const extra: PaymentChanges = options.releaseLease ? { lease_until: null } : {};
    // A read without a lock first: a repeat that teaches nothing (most webhooks) ends here, and a
    // move that needs the ledger goes straight to it (step 3 decides again under the lock).
    const seen = options.known ?? (await this.payments.findRow(paymentId));
    if (!seen) throw new Error(`payment ${paymentId} not found`);
    const peek = reconcile(seen.state, report.status, guessedProcessing(seen));
    if (peek.kind === 'noop' && Object.keys(learntFrom(seen, report)).length === 0) return { outcome: 'noop', payment: paymentViewOf(seen) };
    const first =
      peek.kind === 'apply' && needsLedger(seen, peek.to)
        ? { pending: { ...seen, connector: seen.connector ?? report.connector ?? null }, to: peek.to }
        : await this.uow.run(async (tx) => {
            const row = (await this.payments.lock(tx, paymentId))!;
            const outcome = reconcile(row.state, report.status, guessedProcessing(row));
            if (outcome.kind !== 'apply') return { done: await this.notApplied(tx, row, report, outcome, cause, detail) };
            if (!needsLedger(row, outcome.to)) return { done: await this.move(tx, row, outcome.to, report, cause, detail, extra) };
            return { pending: { ...row, connector: row.connector ?? report.connector ?? null }, to: outcome.to };
          });
    if ('done' in first) return first.done!;

    const { pending, to } = first;
    try {
      await this.ledgerStep(pending, to);
    } catch (error) {
      if (!(error instanceof LedgerStepRefused)) throw error;
      // The provider says the money moved and the ledger cannot follow (the hold expired): staff must look.
      this.logger.error({ paymentId, step: error.step, code: error.code }, 'ledger refused a payment step');
      return this.uow.run(async (tx) => {
        const row = (await this.payments.lock(tx, paymentId))!;
        await this.payments.addTransition(tx, paymentId, row.state, to, cause, { ...detail, refused: `ledger ${error.code}` }, false);
        return { outcome: 'refused' as const, payment: await this.flagReview(tx, row, `ledger refused ${error.step}: ${error.code}`) };
      });
    }
    return this.uow.run(async (tx) => {
      const row = (await this.payments.lock(tx, paymentId))!;
      const outcome = reconcile(row.state, report.status, guessedProcessing(row));
      if (outcome.kind !== 'apply') return this.notApplied(tx, row, report, outcome, cause, detail);
      return this.move(tx, row, outcome.to, report, cause, detail, extra);
    });
  }

  /** Marks the payment for staff review (once) and publishes PaymentReviewRequiredV1. */
  async flagReview(tx: Tx, row: PaymentRow, reason: string): Promise<PaymentView> {
    if (row.review !== null) return paymentViewOf(row);
    const flagged = await this.payments.update(tx, row.id, { review: reason, lease_until: null });
    const view = paymentViewOf(flagged);
    await this.outbox.append(tx, 'payments', [PaymentReviewRequiredV1(view.id, { payment: view })]);
    return view;
  }

  /** Moves the locked row to `to`: the row, its transition and its event, in the caller's transaction. */
  async move(
    tx: Tx,
    row: PaymentRow,
    to: PaymentState,
    report: Partial<ProviderReport>,
    cause: TransitionCause,
    detail: Record<string, unknown>,
    extra: PaymentChanges = {},
  ): Promise<ApplyOutcome> {
    const open = to === 'processing' || to === 'requires_action';
    const changes: PaymentChanges = {
      ...extra,
      state: to,
      connector: row.connector ?? report.connector ?? null,
      provider_reference: row.provider_reference ?? report.providerReference ?? null,
      next_action: to === 'requires_action' ? (report.nextAction ?? row.next_action) : null,
      failure_code: to === 'failed' ? (report.failureCode ?? 'FAILED') : to === 'returned' ? (report.failureCode ?? row.failure_code) : row.failure_code,
      processing_since: open ? (row.processing_since ?? new Date()) : row.processing_since,
      next_sync_at: open ? new Date(Date.now() + this.config.sync.afterSeconds * 1000) : null,
    };
    const moved = await this.payments.update(tx, row.id, changes);
    await this.payments.addTransition(tx, row.id, row.state, to, cause, Object.keys(detail).length ? detail : null);
    const view = paymentViewOf(moved);
    await this.outbox.append(tx, 'payments', [eventFor(to, view)]);
    return { outcome: 'apply', payment: view };
  }

  private async notApplied(
    tx: Tx,
    row: PaymentRow,
    report: ProviderReport,
    outcome: TransitionOutcome,
    cause: TransitionCause,
    detail: Record<string, unknown>,
  ): Promise<ApplyOutcome> {
    if (outcome.kind === 'noop') {
      // No news for the state, but the report may name what we did not know yet (a reference learnt from a webhook).
      const learnt = learntFrom(row, report);
      const current = Object.keys(learnt).length ? await this.payments.update(tx, row.id, learnt) : row;
      return { outcome: 'noop', payment: paymentViewOf(current) };
    }
    await this.payments.addTransition(tx, row.id, row.state, report.status, cause, { ...detail, refused: 'state machine' }, false);
    this.logger.warn({ paymentId: row.id, from: row.state, reported: report.status, cause }, 'payment report refused by the state machine');
    // The provider says money moved for a payment we ended: that is not for the machine to settle.
    if (report.status === 'succeeded' && (row.state === 'failed' || row.state === 'canceled')) {
      return { outcome: 'refused', payment: await this.flagReview(tx, row, `provider reported succeeded after ${row.state}`) };
    }
    return { outcome: 'refused', payment: paymentViewOf(row) };
  }

  private async ledgerStep(row: PaymentRow, to: PaymentState): Promise<void> {
    if (row.kind === 'payout' || row.kind === 'transfer') {
      // A transfer is held like a payout (straight to the payee, no fee): posted or voided the same way.
      if (to === 'succeeded') return this.ledger.settlePayout(row);
      if (to === 'failed' || to === 'canceled') return this.ledger.voidPayout(row.id);
      if (to === 'returned' && row.kind === 'payout') return this.ledger.returnPayout(row);
    }
    if (row.kind === 'pay_in' && to === 'succeeded') return this.ledger.creditPayIn(row);
  }
}

/** What a report names that the payment does not know yet: a provider reference, its connector, the next action. */
function learntFrom(row: PaymentRow, report: ProviderReport): PaymentChanges {
  const learnt: PaymentChanges = {};
  if (row.provider_reference === null && report.providerReference) learnt.provider_reference = report.providerReference;
  if (row.connector === null && report.connector) learnt.connector = report.connector;
  if (row.state === 'requires_action' && report.nextAction && row.next_action === null) learnt.next_action = report.nextAction;
  return learnt;
}

/** In processing without a provider reference: only dispatch's outcome-unknown guess puts a payment there (every answer and event names the reference). */
function guessedProcessing(row: PaymentRow): boolean {
  return row.state === 'processing' && row.provider_reference === null;
}

function needsLedger(row: PaymentRow, to: PaymentState): boolean {
  if (row.kind === 'payout') return to === 'succeeded' || to === 'failed' || to === 'canceled' || to === 'returned';
  if (row.kind === 'transfer') return to === 'succeeded' || to === 'failed' || to === 'canceled';
  return row.kind === 'pay_in' && to === 'succeeded';
}
