import { Inject, Injectable } from '@nestjs/common';
import type { PaymentKind, PaymentState, PaymentView } from '@modules/payments/contract';
import { paymentNotFound } from '@modules/payments/domain/payment-errors';
import { PaymentRepository, paymentViewOf, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { RefundRepository } from '@modules/payments/infrastructure/refund.repository';
import { paymentsConfig, type PaymentsConfig } from '@modules/payments/payments.config';

/** Who else is party to a payment than its owner: a transfer's payee (null for other kinds). */
export interface PaymentParties {
  readonly payeeId: string | null;
}

export interface PaymentPageResult {
  readonly items: PaymentView[];
  readonly nextCursor: string | null;
}

/** Reads of payments for the API: one (with an access check), pages by seq, and staff's detail with history. */
@Injectable()
export class ReadPayments {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly refunds: RefundRepository,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  /** The payment, if `check` lets the caller see it (check throws the 404 otherwise); unknown is 404 too. */
  async get(id: string, check: (payment: PaymentView, parties: PaymentParties) => void, kind?: PaymentKind): Promise<PaymentView> {
    const row = await this.payments.findRow(id);
    if (!row || (kind && row.kind !== kind)) throw paymentNotFound();
    const payment = paymentViewOf(row);
    check(payment, { payeeId: row.counterparty_owner_id });
    return payment;
  }

  async page(
    filter: { ownerId?: string; partyId?: string; kind?: PaymentKind; state?: PaymentState; review?: boolean },
    cursor: string | undefined,
    limit: number | undefined,
  ): Promise<PaymentPageResult> {
    const size = limit ?? this.config.pageSize;
    const rows: PaymentRow[] = await this.payments.list(filter, cursor === undefined ? null : BigInt(cursor), size + 1);
    const items = rows.slice(0, size);
    return { items: items.map(paymentViewOf), nextCursor: rows.length > size ? items[items.length - 1]!.seq : null };
  }

  async detail(id: string) {
    const payment = await this.payments.find(id);
    if (!payment) throw paymentNotFound();
    const [transitions, calls, refunds] = await Promise.all([this.payments.transitions(id), this.payments.calls(id), this.refunds.ofPayment(id)]);
    return {
      ...payment,
      transitions: transitions.map((t) => ({
        seq: t.seq,
        from: t.from_state,
        to: t.to_state,
        cause: t.cause,
        applied: t.applied,
        detail: t.detail,
        at: t.at.toISOString(),
      })),
      gatewayCalls: calls.map((c) => ({
        connector: c.connector,
        operation: c.operation,
        idempotencyKey: c.idempotency_key,
        outcome: c.outcome,
        errorCode: c.error_code,
        latencyMs: c.latency_ms,
        at: c.at.toISOString(),
      })),
      refunds: refunds.map((r) => ({
        id: r.id,
        amount: r.amount,
        state: r.state,
        failureCode: r.failure_code,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
    };
  }
}
