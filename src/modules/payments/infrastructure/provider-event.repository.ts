import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@platform/database/unit-of-work';
import type { ProviderEvent } from '../connectors/connector';

export interface ProviderEventRow {
  connector: string;
  event_id: string;
  payload: StoredProviderEvent;
  attempts: number;
  processed_at: Date | null;
  last_error: string | null;
}

/** A ProviderEvent as stored (bigint and Date as strings). */
export interface StoredProviderEvent {
  eventId: string;
  providerReference: string;
  paymentId?: string;
  subject: 'payment' | 'refund';
  status: ProviderEvent['status'];
  amount?: string;
  failureCode?: string;
  occurredAt: string;
  needsCapture?: boolean;
}

export const storedEventOf = (e: ProviderEvent): StoredProviderEvent => ({
  eventId: e.eventId,
  providerReference: e.providerReference,
  ...(e.paymentId === undefined ? {} : { paymentId: e.paymentId }),
  subject: e.subject,
  status: e.status,
  ...(e.amount === undefined ? {} : { amount: e.amount.toString() }),
  ...(e.failureCode === undefined ? {} : { failureCode: e.failureCode }),
  occurredAt: e.occurredAt.toISOString(),
  ...(e.needsCapture ? { needsCapture: true } : {}),
});

/** `payments.provider_events`: the durable queue of verified webhook events, deduplicated by connector and event id. */
@Injectable()
export class ProviderEventRepository {
  constructor(private readonly uow: UnitOfWork) {}

  /** Stores the events not seen before (a provider's redelivery is dropped here); answers how many were new. */
  async store(connector: string, events: readonly ProviderEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const { rows } = await this.uow.query<{ event_id: string }>(
      `insert into payments.provider_events (connector, event_id, payload)
       select $1, e->>'eventId', e from jsonb_array_elements($2::jsonb) e
       on conflict (connector, event_id) do nothing returning event_id`,
      [connector, JSON.stringify(events.map(storedEventOf))],
    );
    return rows.length;
  }

  /** Leases due unprocessed events, oldest first (FOR UPDATE SKIP LOCKED: one process each). */
  async claimDue(limit: number, leaseMs: number): Promise<ProviderEventRow[]> {
    const { rows } = await this.uow.query<ProviderEventRow>(
      `update payments.provider_events set lease_until = now() + make_interval(secs => $2::double precision / 1000), attempts = attempts + 1
       where (connector, event_id) in (
         select connector, event_id from payments.provider_events
         where processed_at is null and next_attempt_at <= now() and (lease_until is null or lease_until < now())
         order by next_attempt_at, received_at limit $1 for update skip locked)
       returning connector, event_id, payload, attempts, processed_at, last_error`,
      [limit, leaseMs],
    );
    // Apply in the order the provider says things happened (out-of-order deliveries).
    return rows.sort((a, b) => a.payload.occurredAt.localeCompare(b.payload.occurredAt));
  }

  async markProcessed(connector: string, eventId: string, note: string | null = null): Promise<void> {
    await this.uow.query(
      'update payments.provider_events set processed_at = now(), lease_until = null, last_error = $3 where connector = $1 and event_id = $2',
      [connector, eventId, note],
    );
  }

  async retryLater(connector: string, eventId: string, delayMs: number, error: string): Promise<void> {
    await this.uow.query(
      `update payments.provider_events set lease_until = null, last_error = $4,
              next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
       where connector = $1 and event_id = $2`,
      [connector, eventId, delayMs, error.slice(0, 500)],
    );
  }
}
