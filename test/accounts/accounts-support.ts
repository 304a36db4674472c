import { defineContext } from '@platform/context-definition';
import { Injectable, Module } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import {
  AccountClosedV1,
  AccountFrozenV1,
  AccountOpenedV1,
  AccountUnfrozenV1,
  BalanceChangedV1,
  InterestCapitalisedV1,
  StatementIssuedV1,
} from '@modules/accounts/contract';
import type { TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { sql } from '../support/database';
import { newUuid } from '../ledger/ledger-support';

/** A test-only context recording every accounts event, as a downstream consumer would. */
@Injectable()
@OnIntegrationEvent({
  context: 'accounts_probe',
  name: 'record',
  events: [AccountOpenedV1, AccountFrozenV1, AccountUnfrozenV1, AccountClosedV1, BalanceChangedV1, InterestCapitalisedV1, StatementIssuedV1],
})
class RecordAccountEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into accounts_probe.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event.data),
    ]);
  }
}

@Module({ providers: [RecordAccountEvents] })
class AccountsProbeModule {}

export const accountsProbe = defineContext({ name: 'accounts_probe', module: AccountsProbeModule });

export async function installAccountsProbe(databaseUrl: string): Promise<void> {
  await sql(
    databaseUrl,
    [...contextSchemaSql('accounts_probe'), 'create table accounts_probe.events (event_id uuid, type text, subject text, data jsonb)'].join(';\n'),
  );
}

export interface ProbedEvent {
  event_id: string;
  type: string;
  subject: string;
  data: Record<string, unknown>;
}

export async function accountEvents(databaseUrl: string, accountId: string, type?: string): Promise<ProbedEvent[]> {
  return sql<ProbedEvent & Record<string, unknown>>(
    databaseUrl,
    `select event_id, type, subject, data from accounts_probe.events where subject = $1 and ($2::text is null or type = $2) order by data->>'asOf', type`,
    [accountId, type ?? null],
  );
}

export interface Customer {
  readonly id: string;
  readonly auth: Record<string, string>;
}

export async function customer(
  t: TestApp,
  roles: Parameters<typeof loginAs>[2] = ['customer'],
  options: Parameters<typeof loginAs>[3] = {},
): Promise<Customer> {
  const id = newUuid();
  return { id, auth: bearer((await loginAs(t.app, id, roles, options)).token) };
}

export interface AccountBody {
  id: string;
  ownerId: string;
  product: string;
  currency: string;
  accountNumber: string;
  iban: string | null;
  status: string;
  overdraftLimit: string;
  ledgerAccountId: string;
  balances: { posted: string; pending: string; available: string };
}

export async function openCustomerAccount(
  t: TestApp,
  who: Customer,
  body: { product: string; currency: string } = { product: 'checking', currency: 'EUR' },
): Promise<AccountBody> {
  const res = await t.http().post('/v1/accounts').set(who.auth).send(body);
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as AccountBody;
}

/** Posts a ledger transfer as a service client; answers the HTTP response. */
export function transfer(
  t: TestApp,
  ledgerAuth: Record<string, string>,
  body: { debitAccountId: string; creditAccountId: string; amount: string; currency?: string; kind?: string; id?: string },
) {
  return t
    .http()
    .post('/v1/ledger/transfers')
    .set(ledgerAuth)
    .send({ id: newUuid(), currency: 'EUR', ...body });
}
