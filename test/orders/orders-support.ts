import { Injectable, Module } from '@nestjs/common';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import type { EventEnvelope } from '@shared-kernel';
import { ORDER_EVENTS } from '@modules/orders/contract';
import { eventually } from '../support/app';
import { sql } from '../support/database';

/** A test-only context recording every orders event (topic orders.events), as a downstream consumer would. */
@Injectable()
@OnIntegrationEvent({ context: 'orders_probe', name: 'record', events: [...ORDER_EVENTS] })
class RecordOrderEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into orders_probe.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event.data),
    ]);
  }
}

@Module({ providers: [RecordOrderEvents] })
class OrdersProbeModule {}

export const ordersProbe = defineContext({ name: 'orders_probe', module: OrdersProbeModule });

export async function installOrdersProbe(databaseUrl: string): Promise<void> {
  await sql(
    databaseUrl,
    [
      ...contextSchemaSql('orders_probe'),
      'create table orders_probe.events (seq bigint generated always as identity, event_id uuid, type text, subject text, data jsonb)',
    ].join(';\n'),
  );
}

export interface OrderEvent {
  type: string;
  data: { order: Record<string, unknown> };
}

export function orderEvents(databaseUrl: string, orderId: string): Promise<OrderEvent[]> {
  return sql<OrderEvent & Record<string, unknown>>(databaseUrl, 'select type, data from orders_probe.events where subject = $1 order by seq', [orderId]);
}

/** Waits until the order's events include `type` (or the deadline passes), then answers them all. */
export function orderEventsUntil(databaseUrl: string, orderId: string, type: string): Promise<OrderEvent[]> {
  return eventually(
    () => orderEvents(databaseUrl, orderId),
    (events) => events.some((e) => e.type === type),
  );
}

export const item = (sku: string, quantity: number, unitPrice: string, name = `Item ${sku}`) => ({ sku, name, quantity, unitPrice });
