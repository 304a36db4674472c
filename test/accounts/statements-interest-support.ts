import { Injectable, Module } from '@nestjs/common';
import type { Response } from 'supertest';
import type { EventEnvelope } from '../../src/shared-kernel';
import type { ContextDefinition } from '../../src/platform/context-definition';
import { Clock } from '../../src/platform/clock';
import { contextSchemaSql } from '../../src/platform/database/context-schema';
import type { Tx } from '../../src/platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '../../src/platform/messaging/subscriptions';
import { ACCOUNTS_TOPIC, InterestCapitalisedV1, StatementIssuedV1 } from '../../src/modules/accounts/contract';
import { accountsContext } from '../../src/modules/accounts/accounts.module';
import { ledgerContext } from '../../src/modules/ledger/ledger.module';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase, sql } from '../support/database';
import { ledgerClient, openAccount } from '../ledger/ledger-support';
import { customer, type Customer } from './accounts-support';

/** Moves the app's platform clock (jobs, statement issue times) to 06:00 UTC of a day; returns that day. */
export function clockAt(t: TestApp, day: string): string {
  const at = Date.parse(`${day}T06:00:00.000Z`);
  t.app.get(Clock).now = () => at;
  return day;
}

/** Collects a response body as raw bytes (PDF and CSV downloads). */
export function rawBody(res: Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

/** A test-only consumer of the statement and interest events, as a downstream context would record them. */
@Injectable()
@OnIntegrationEvent({ context: 'accounts_si_probe', name: 'record', topic: ACCOUNTS_TOPIC, types: [InterestCapitalisedV1.type, StatementIssuedV1.type] })
class RecordEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into accounts_si_probe.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [event.id, event.type, event.subject, JSON.stringify(event.data)]);
  }
}

@Module({ providers: [RecordEvents] })
class ProbeModule {}

export const statementsInterestProbe: ContextDefinition = { name: 'accounts_si_probe', module: ProbeModule };

export async function installStatementsInterestProbe(databaseUrl: string): Promise<void> {
  await sql(databaseUrl, [...contextSchemaSql('accounts_si_probe'), 'create table accounts_si_probe.events (event_id uuid, type text, subject text, data jsonb)'].join(';\n'));
}

export async function probedEvents(databaseUrl: string, accountId: string, type: string): Promise<{ data: Record<string, unknown> }[]> {
  return sql<{ data: Record<string, unknown> }>(databaseUrl, 'select data from accounts_si_probe.events where subject = $1 and type = $2', [accountId, type]);
}

/** One file's app: its own database, ledger + accounts + the event probe, a bank ledger account to fund from, and a customer. */
export interface Fixture {
  readonly db: Awaited<ReturnType<typeof createTestDatabase>>;
  readonly t: TestApp;
  readonly ledgerAuth: Record<string, string>;
  readonly bank: string;
  readonly alice: Customer;
  close(): Promise<void>;
}

export async function startFixture(): Promise<Fixture> {
  const db = await createTestDatabase();
  await installStatementsInterestProbe(db.url);
  const t = await startTestApp({ contexts: [ledgerContext, accountsContext, statementsInterestProbe], databaseUrl: db.url });
  const ledgerAuth = await ledgerClient(t);
  return {
    db,
    t,
    ledgerAuth,
    bank: await openAccount(t, ledgerAuth, { normalSide: 'debit' }),
    alice: await customer(t),
    async close() {
      await t.close();
      await db.drop();
    },
  };
}
