import { defineContext } from '@platform/context-definition';
import { Injectable, Module } from '@nestjs/common';
import { v4 as uuidv4 } from 'uuid';
import type { EventEnvelope } from '@shared-kernel';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { PendingTransferResolvedV1, ReconciliationMismatchV1, TransferCreatedV1 } from '@modules/ledger/contract';
import type { TestApp } from '../support/app';
import { bearer, clientToken } from '../support/auth';
import { sql } from '../support/database';

export const newUuid = () => uuidv4();

/** A test-only context that records every ledger event it receives, as a consumer would. */
@Injectable()
@OnIntegrationEvent({ context: 'ledger_probe', name: 'record-created', events: [TransferCreatedV1] })
class RecordCreated implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into ledger_probe.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event.data),
    ]);
  }
}

@Injectable()
@OnIntegrationEvent({ context: 'ledger_probe', name: 'record-resolved', events: [PendingTransferResolvedV1] })
class RecordResolved extends RecordCreated {}

@Injectable()
@OnIntegrationEvent({ context: 'ledger_probe', name: 'record-alert', events: [ReconciliationMismatchV1] })
class RecordAlert extends RecordCreated {}

@Module({ providers: [RecordCreated, RecordResolved, RecordAlert] })
class LedgerProbeModule {}

export const ledgerProbe = defineContext({ name: 'ledger_probe', module: LedgerProbeModule });

export async function installLedgerProbe(databaseUrl: string): Promise<void> {
  await sql(
    databaseUrl,
    [...contextSchemaSql('ledger_probe'), 'create table ledger_probe.events (event_id uuid, type text, subject text, data jsonb)'].join(';\n'),
  );
}

/** A service client allowed to use the whole ledger API. */
export async function ledgerClient(t: TestApp): Promise<Record<string, string>> {
  return bearer(await clientToken(t.app, 'ledger-tests', ['ledger:read', 'ledger:write', 'ledger:reconcile']));
}

export interface AccountSpec {
  readonly currency?: string;
  readonly normalSide?: 'debit' | 'credit';
  readonly debitsMustNotExceedCredits?: boolean;
  readonly creditsMustNotExceedDebits?: boolean;
  readonly overdraftLimit?: string;
}

export async function openAccount(t: TestApp, auth: Record<string, string>, spec: AccountSpec = {}): Promise<string> {
  const id = newUuid();
  const res = await t
    .http()
    .post('/v1/ledger/accounts')
    .set(auth)
    .send({ id, currency: spec.currency ?? 'EUR', normalSide: spec.normalSide ?? 'credit', ...spec });
  if (res.status !== 201) throw new Error(`open account failed: ${res.status} ${JSON.stringify(res.body)}`);
  return id;
}
