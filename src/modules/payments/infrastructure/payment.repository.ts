import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql } from '@platform/database/unit-of-work';
import type { ConnectorName, PaymentKind, PaymentMethod, PaymentState, PaymentView } from '../contract';

/** A row of `payments.payments` as pg returns it (bigint columns as strings). */
export interface PaymentRow {
  id: string;
  seq: string;
  owner_id: string;
  kind: PaymentKind;
  method: PaymentMethod;
  state: PaymentState;
  amount: string;
  currency: string;
  fee: string;
  refunded_amount: string;
  account_id: string;
  ledger_account_id: string;
  counterparty_account_id: string | null;
  beneficiary_id: string | null;
  order_id: string | null;
  connector: ConnectorName | null;
  provider_reference: string | null;
  next_action: { type: 'redirect'; url: string } | null;
  failure_code: string | null;
  review: string | null;
  sync_failures: number;
  request_fingerprint: string;
  reference: string | null;
  processing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The payments context's SQL on `payments.payments`, read straight into views. */
@Injectable()
export class PaymentRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** The payment with this id, or null; in a transaction when one is given. */
  async find(id: string, sql: Sql = this.uow): Promise<PaymentView | null> {
    const { rows } = await sql.query<PaymentRow>('select * from payments.payments where id = $1', [id]);
    return rows[0] ? paymentViewOf(rows[0]) : null;
  }
}

export function paymentViewOf(row: PaymentRow): PaymentView {
  return {
    id: row.id,
    ownerId: row.owner_id,
    kind: row.kind,
    method: row.method,
    state: row.state,
    amount: row.amount,
    currency: row.currency,
    fee: row.fee,
    refundedAmount: row.refunded_amount,
    accountId: row.account_id,
    counterpartyAccountId: row.counterparty_account_id,
    beneficiaryId: row.beneficiary_id,
    orderId: row.order_id,
    connector: row.connector,
    providerReference: row.provider_reference,
    nextAction: row.next_action,
    failureCode: row.failure_code,
    review: row.review,
    reference: row.reference,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
