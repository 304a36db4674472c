import { Injectable } from '@nestjs/common';
import { newId, type EventEnvelope, type IntegrationEvent } from '@shared-kernel';
import { requestContext } from '../context/request-context';
import type { Tx } from '../database/unit-of-work';
import { OutboxSignal } from './outbox-signal';
import { schemaName } from './sql-identifier';

/**
 * Appends integration events to a context's outbox inside the caller's transaction:
 * the event exists if and only if the state change committed.
 */
@Injectable()
export class Outbox {
  constructor(private readonly signal: OutboxSignal) {}

  async append(tx: Tx, context: string, events: readonly IntegrationEvent[]): Promise<EventEnvelope[]> {
    if (events.length === 0) return [];
    const schema = schemaName(context);
    const ctx = requestContext.current();
    const occurredAt = new Date().toISOString();
    const envelopes = events.map((e): EventEnvelope => ({
      specversion: '1.0',
      id: newId(),
      type: e.type,
      source: `skyro-core/${context}`,
      subject: e.aggregateId,
      occurredAt,
      traceId: ctx?.traceId ?? null,
      requestId: ctx?.requestId ?? null,
      datacontenttype: 'application/json',
      data: e.data,
    }));
    // One statement for the whole batch: a ledger batch may append thousands of events.
    // Each column travels as one newline-separated text (JSON.stringify never writes a raw
    // newline; ids, topics and types hold none): the driver's array literals escape every
    // quote of every payload, which cost more than the insert itself.
    const columns = [
      envelopes.map((e) => e.id),
      events.map((e) => e.topic),
      events.map((e) => e.type),
      events.map((e) => assertSingleLine(e.aggregateId)),
      envelopes.map(toJson),
    ];
    await tx.query(
      `insert into ${schema}.outbox (event_id, topic, event_type, aggregate_id, payload)
       select * from unnest(string_to_array($1, E'\\n')::uuid[], string_to_array($2, E'\\n'), string_to_array($3, E'\\n'),
                            string_to_array($4, E'\\n'), string_to_array($5, E'\\n'))`,
      columns.map((values) => values.join('\n')),
    );
    tx.afterCommit(() => this.signal.notify(context));
    return envelopes;
  }
}

/**
 * Money travels as bigint in the domain and as a decimal string on the wire. A replacer
 * makes JSON.stringify several times slower, and most events already carry strings: use
 * it only for an event that holds a bigint (plain stringify throws a TypeError on one).
 */
function toJson(envelope: EventEnvelope): string {
  try {
    return JSON.stringify(envelope);
  } catch (error) {
    if (error instanceof TypeError) return JSON.stringify(envelope, bigintAsString);
    throw error;
  }
}

function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

function assertSingleLine(value: string): string {
  if (value.includes('\n')) throw new Error('an aggregate id must not contain a newline');
  return value;
}
