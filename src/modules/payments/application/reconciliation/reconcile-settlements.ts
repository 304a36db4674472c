import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Counter } from 'prom-client';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { Metrics } from '@platform/metrics/metrics';
import { GetTransferQuery } from '@modules/ledger/contract';
import { ConnectorError, type SettlementLine } from '@modules/payments/connectors/connector';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { PaymentReconciliationMismatchV1, type ConnectorName, type ReconciliationMismatchView } from '@modules/payments/contract';
import { ledgerTransferId } from '@modules/payments/domain/ledger-ids';
import { reconciliationMismatchNotFound, reconciliationMismatchResolved, settlementsUnavailable } from '@modules/payments/domain/payment-errors';
import {
  checkLine,
  checkRefundTotal,
  isSettled,
  missingAtProvider,
  refundMissingAtProvider,
  type LedgerAmount,
  type LineMatch,
  type Mismatch,
  type OurPayment,
  type OurRefund,
} from '@modules/payments/domain/reconciliation';
import type { PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { mismatchViewOf, ReconciliationRepository, uuidsOf, type RunRow, type StoredLine } from '@modules/payments/infrastructure/reconciliation.repository';
import type { RefundRow } from '@modules/payments/infrastructure/refund.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';

/**
 * One reconciliation run: a connector's settlement report for [from, to), read whole, each
 * line matched to our payment (by our id when the provider echoes it, else by connector and
 * provider reference) or refund, and checked against it and the ledger (through the ledger's
 * contract: the transfer ids payments derives, domain/ledger-ids.ts); then our payments that
 * (and refunds) settled in the window shifted back by the grace period that no report line carried.
 * Lines, new mismatches and their PaymentReconciliationMismatchV1 events are written in one
 * transaction; a mismatch known already (connector, kind, subject) is not written again, so a
 * rerun of a window adds nothing.
 */
@Injectable()
export class ReconcileSettlements {
  private readonly logger = new Logger('Reconciliation');
  private readonly found: Counter<'connector' | 'kind'>;
  private open = new Map<string, number>();

  constructor(
    private readonly uow: UnitOfWork,
    private readonly repo: ReconciliationRepository,
    private readonly registry: ConnectorRegistry,
    private readonly queries: QueryBus,
    private readonly outbox: Outbox,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
    metrics: Metrics,
  ) {
    this.found = new Counter({
      name: 'skyro_payments_reconciliation_mismatches_total',
      help: 'New reconciliation mismatches by connector and kind (a rerun counts none)',
      labelNames: ['connector', 'kind'] as const,
      registers: [metrics.registry],
    });
    metrics.sampledGaugeBy(
      'skyro_payments_reconciliation_open_mismatches',
      'Reconciliation mismatches not resolved yet, by connector (as of the last run or resolution in this process)',
      'connector',
      () => this.open,
    );
  }

  /** The connectors that can be reconciled here (configured, with a settlement report). */
  connectors(): ConnectorName[] {
    return this.registry
      .all()
      .filter((c) => c.capabilities.has('settlements') && c.settlementReport !== undefined)
      .map((c) => c.name);
  }

  /** Runs the window; a report that cannot be read whole ends the run `failed` with the connector's code (answered, not thrown). */
  async run(name: ConnectorName, from: Date, to: Date, trigger: RunRow['trigger']): Promise<RunRow> {
    const connector = this.registry.get(name);
    if (!connector?.capabilities.has('settlements') || !connector.settlementReport) throw settlementsUnavailable(name);
    const run = await this.repo.startRun(randomUUID(), name, from, to, trigger);
    try {
      const lines = await connector.settlementReport(from, to);
      const finished = await this.reconcile(run, lines);
      await this.refreshOpen();
      return finished;
    } catch (error) {
      const code = error instanceof ConnectorError ? error.code : 'RECONCILIATION_FAILED';
      this.logger.warn({ connector: name, runId: run.id, code, err: error instanceof ConnectorError ? undefined : error }, 'reconciliation run failed');
      return this.repo.failRun(run.id, code);
    }
  }

  async resolve(id: string, note: string, staffId: string): Promise<ReconciliationMismatchView> {
    const row = await this.uow.run(async (tx) => {
      const current = await this.repo.findMismatch(id, tx);
      if (!current) throw reconciliationMismatchNotFound();
      const resolved = await this.repo.resolve(tx, id, note, staffId);
      if (!resolved) throw reconciliationMismatchResolved();
      return resolved;
    });
    await this.refreshOpen();
    return mismatchViewOf(row);
  }

  async refreshOpen(): Promise<void> {
    const counts = await this.repo.openCounts();
    this.open = new Map(this.connectors().map((c) => [c, counts.get(c) ?? 0]));
    for (const [c, n] of counts) this.open.set(c, n);
  }

  private async reconcile(run: RunRow, lines: readonly SettlementLine[]): Promise<RunRow> {
    const connector = run.connector;
    const refundLines = lines.filter((l) => l.kind === 'refund');
    const refunds = dedupe([
      ...(await this.repo.refundsByIds(uuidsOf(refundLines.map((l) => l.refundId)))),
      ...(await this.repo.refundsByReferences(
        connector,
        refundLines.map((l) => l.providerReference),
      )),
    ]);
    const payments = dedupe([
      ...(await this.repo.paymentsByIds(uuidsOf([...lines.map((l) => l.paymentId), ...refunds.map((r) => r.payment_id)]))),
      ...(await this.repo.paymentsByReferences(
        connector,
        lines.filter((l) => l.kind !== 'refund').map((l) => l.providerReference),
      )),
    ]);
    const paymentById = new Map(payments.map((p) => [p.id, p]));
    const paymentByRef = new Map(payments.filter((p) => p.connector === connector && p.provider_reference).map((p) => [p.provider_reference!, p]));
    const refundById = new Map(refunds.map((r) => [r.id, r]));
    const refundByRef = new Map(refunds.filter((r) => r.provider_reference).map((r) => [r.provider_reference!, r]));

    const stored: StoredLine[] = [];
    const mismatches: Mismatch[] = [];
    let matched = 0;
    for (const line of lines) {
      const refund = line.kind === 'refund' ? (line.refundId && refundById.get(line.refundId)) || refundByRef.get(line.providerReference) : undefined;
      const payment = refund
        ? paymentById.get(refund.payment_id)
        : (line.paymentId && paymentById.get(line.paymentId)) || (line.kind !== 'refund' ? paymentByRef.get(line.providerReference) : undefined);
      const match: LineMatch = {
        ...(payment ? { payment: ourPayment(payment) } : {}),
        ...(refund ? { refund: ourRefund(refund) } : {}),
        ...(await this.ledgerOf(line, payment, refund)),
      };
      const found = checkLine(line, match);
      if (found.length === 0) matched++;
      mismatches.push(...found);
      stored.push({ line, paymentId: payment?.id ?? null, refundId: refund?.id ?? null });
    }

    const graceMs = this.config.reconciliation.graceSeconds * 1000;
    const dueFrom = new Date(run.window_from.getTime() - graceMs);
    const dueTo = new Date(run.window_to.getTime() - graceMs);
    const settled = await this.repo.settledBetween(connector, dueFrom, dueTo);
    const refunded = await this.repo.refundsSucceededBetween(connector, dueFrom, dueTo);
    const refundedPayments = uuidsOf(stored.filter((s) => s.line.kind === 'refund').map((s) => s.paymentId ?? undefined));

    const { row, created } = await this.uow.run(async (tx) => {
      await this.repo.storeLines(tx, run.id, connector, stored);
      const carried = await this.repo.paymentsWithLines(
        tx,
        connector,
        settled.map((p) => p.id),
      );
      for (const p of settled) if (!carried.has(p.id)) mismatches.push(missingAtProvider({ ...ourPayment(p), providerReference: p.provider_reference }));
      const refundsCarried = await this.repo.refundsWithLines(
        tx,
        connector,
        refunded.map((r) => r.id),
      );
      for (const r of refunded) {
        if (!refundsCarried.has(r.id)) mismatches.push(refundMissingAtProvider({ ...ourRefund(r), providerReference: r.provider_reference }, r.currency));
      }
      const totals = await this.repo.refundedAtProvider(tx, connector, refundedPayments);
      for (const [paymentId, total] of totals) {
        const p = paymentById.get(paymentId);
        if (p) mismatches.push(...checkRefundTotal(ourPayment(p), total));
      }
      const created: ReconciliationMismatchView[] = [];
      for (const m of mismatches) {
        const inserted = await this.repo.insertMismatch(tx, randomUUID(), run.id, connector, m);
        if (!inserted) continue;
        const view = mismatchViewOf(inserted);
        created.push(view);
        await this.outbox.append(tx, 'payments', [PaymentReconciliationMismatchV1(view.id, { mismatch: view })]);
      }
      const row = await this.repo.finishRun(tx, run.id, { lines: lines.length, matched, mismatches: mismatches.length, newMismatches: created.length });
      return { row, created };
    });
    for (const m of created) this.found.inc({ connector, kind: m.kind });
    if (created.length > 0) this.logger.warn({ connector, runId: run.id, mismatches: created.length }, 'reconciliation found new mismatches');
    return row;
  }

  /** The ledger step the line settles, when ours says it is done: its transfer's amount, or null when the ledger has none. */
  private async ledgerOf(line: SettlementLine, payment: PaymentRow | undefined, refund: RefundRow | undefined): Promise<{ ledger?: LedgerAmount }> {
    if (line.kind === 'refund') {
      if (!refund || refund.state !== 'succeeded') return {};
      return { ledger: await this.transferAmount(ledgerTransferId(refund.payment_id, `refund:${refund.id}:post`)) };
    }
    if (!payment || !isSettled(payment.state)) return {};
    if (line.kind === 'charge' && payment.kind === 'pay_in') return { ledger: await this.transferAmount(ledgerTransferId(payment.id, 'credit')) };
    if (line.kind === 'payout' && payment.kind === 'payout') {
      // the payout's post moves the hold, amount and fee together
      const posted = await this.transferAmount(ledgerTransferId(payment.id, 'post'));
      return { ledger: posted === null ? null : posted - BigInt(payment.fee) };
    }
    return {};
  }

  private async transferAmount(id: string): Promise<LedgerAmount> {
    const transfer = await this.queries.execute(new GetTransferQuery({ id }));
    return transfer ? BigInt(transfer.amount) : null;
  }
}

function ourPayment(p: PaymentRow): OurPayment {
  return { id: p.id, kind: p.kind, state: p.state, amount: BigInt(p.amount), currency: p.currency, refundedAmount: BigInt(p.refunded_amount) };
}

function ourRefund(r: RefundRow): OurRefund {
  return { id: r.id, paymentId: r.payment_id, amount: BigInt(r.amount), state: r.state };
}

function dedupe<T extends { id: string }>(rows: readonly T[]): T[] {
  return [...new Map(rows.map((r) => [r.id, r])).values()];
}
