import { Injectable } from '@nestjs/common';
import { UnitOfWork, type Sql, type Tx } from '@platform/database/unit-of-work';

export type RefundState = 'pending' | 'processing' | 'succeeded' | 'failed';

export interface RefundRow {
  id: string;
  payment_id: string;
  amount: string;
  state: RefundState;
  provider_reference: string | null;
  reason: string | null;
  failure_code: string | null;
  attempts: number;
  lease_until: Date | null;
  next_attempt_at: Date;
  created_at: Date;
  updated_at: Date;
}

/** `payments.refunds`: one row per refund of a pay-in, from its request to the provider's answer. */
@Injectable()
export class RefundRepository {
  constructor(private readonly uow: UnitOfWork) {}

  async find(id: string, sql: Sql = this.uow): Promise<RefundRow | null> {
    const { rows } = await sql.query<RefundRow>('select * from payments.refunds where id = $1', [id]);
    return rows[0] ?? null;
  }

  async lock(tx: Tx, id: string): Promise<RefundRow | null> {
    const { rows } = await tx.query<RefundRow>('select * from payments.refunds where id = $1 for update', [id]);
    return rows[0] ?? null;
  }

  async ofPayment(paymentId: string, sql: Sql = this.uow): Promise<RefundRow[]> {
    const { rows } = await sql.query<RefundRow>('select * from payments.refunds where payment_id = $1 order by created_at, id', [paymentId]);
    return rows;
  }

  async findByProviderReference(providerReference: string): Promise<RefundRow | null> {
    const { rows } = await this.uow.query<RefundRow>('select * from payments.refunds where provider_reference = $1', [providerReference]);
    return rows[0] ?? null;
  }

  /** Refunds asked for and not failed, succeeded ones included: what no longer can be refunded. */
  async committed(tx: Tx, paymentId: string): Promise<bigint> {
    const { rows } = await tx.query<{ total: string }>(
      "select coalesce(sum(amount), 0)::text as total from payments.refunds where payment_id = $1 and state <> 'failed'",
      [paymentId],
    );
    return BigInt(rows[0]!.total);
  }

  async insert(tx: Tx, refund: { id: string; paymentId: string; amount: bigint; reason: string | null }): Promise<RefundRow> {
    const { rows } = await tx.query<RefundRow>(
      "insert into payments.refunds (id, payment_id, amount, state, reason) values ($1, $2, $3, 'pending', $4) returning *",
      [refund.id, refund.paymentId, refund.amount.toString(), refund.reason],
    );
    return rows[0]!;
  }

  async update(
    sql: Sql,
    id: string,
    changes: Partial<Pick<RefundRow, 'state' | 'provider_reference' | 'failure_code' | 'lease_until' | 'next_attempt_at'>>,
  ): Promise<RefundRow> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const sets = entries.map(([column], i) => `${column} = $${i + 2}`);
    const { rows } = await sql.query<RefundRow>(`update payments.refunds set ${[...sets, 'updated_at = now()'].join(', ')} where id = $1 returning *`, [
      id,
      ...entries.map(([, v]) => v),
    ]);
    return rows[0]!;
  }

  /** Leases refunds waiting for the provider's refund call (pending) or its confirmation (processing: asked again), due: one process at a time each. */
  async claimDue(limit: number, leaseMs: number, ids?: readonly string[]): Promise<RefundRow[]> {
    const { rows } = await this.uow.query<RefundRow>(
      `update payments.refunds set lease_until = now() + make_interval(secs => $2::double precision / 1000), attempts = attempts + 1
       where id in (
         select id from payments.refunds
         where state in ('pending', 'processing') and next_attempt_at <= now() and (lease_until is null or lease_until < now())
           and ($3::uuid[] is null or id = any($3))
         order by next_attempt_at limit $1 for update skip locked)
       returning *`,
      [limit, leaseMs, ids ?? null],
    );
    return rows;
  }
}
