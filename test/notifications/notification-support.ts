import { Injectable, Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { NotificationRequested } from '@modules/identity/contract';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import {
  InboxItemAddedV1,
  NotificationFailedV1,
  SendNotificationCommand,
  type NotificationRequestView,
  type SendNotificationRequest,
} from '@modules/notifications/contract';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { paymentsContext } from '@modules/payments/payments.context';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { newId, type EventEnvelope } from '@shared-kernel';
import { eventually, type TestApp } from '../support/app';
import { sql } from '../support/database';
import { testMailbox } from '../identity/support';

/*
 * What the notifications tests share: the contexts an app runs (notifications needs identity
 * and accounts, accounts the ledger; identity's test mailbox hands tests their links), a probe
 * context that records the events notifications publishes (and identity's requests, to
 * redeliver one), and small readers of the context's tables.
 */

@Injectable()
@OnIntegrationEvent({ context: 'notifications_probe', name: 'notifications-events', events: [NotificationFailedV1, InboxItemAddedV1] })
class RecordNotificationEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into notifications_probe.events (event_id, type, subject, envelope) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event),
    ]);
  }
}

@Injectable()
@OnIntegrationEvent({ context: 'notifications_probe', name: 'identity-requests', events: [NotificationRequested] })
class RecordIdentityRequests implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into notifications_probe.events (event_id, type, subject, envelope) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event),
    ]);
  }
}

@Module({ providers: [RecordNotificationEvents, RecordIdentityRequests] })
class ProbeModule {}

const probe = defineContext({ name: 'notifications_probe', module: ProbeModule });

/** Every context a notifications test app runs. */
// payments too: notifications tells customers about their payments (dependsOn), and without Kafka it must run here.
export const NOTIFICATION_TEST_CONTEXTS = [identityContext, ledgerContext, accountsContext, paymentsContext, notificationsContext, testMailbox, probe];

/** The probe's and the identity test mailbox's schemas, in a fresh test database. */
export async function prepareProbeSchemas(dbUrl: string): Promise<void> {
  await sql(
    dbUrl,
    [
      ...contextSchemaSql('notifications_probe'),
      'create table notifications_probe.events (event_id uuid, type text, subject text, envelope jsonb)',
      ...contextSchemaSql('test_mailbox'),
    ].join(';\n'),
  );
}

/** Test apps: cheaper argon2 (the production parameters are measured in bench/auth.ts). */
export const FAST_IDENTITY = { IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1' };

export function probeEvents(dbUrl: string, type: string, subject?: string): Promise<Array<{ event_id: string; subject: string; envelope: EventEnvelope }>> {
  return sql(dbUrl, `select event_id, subject, envelope from notifications_probe.events where type = $1 and ($2::text is null or subject = $2)`, [
    type,
    subject ?? null,
  ]);
}

export function send(
  t: TestApp,
  request: Omit<SendNotificationRequest, 'id' | 'variables'> & { id?: string; variables?: Record<string, string> },
): Promise<NotificationRequestView> {
  return t.app.get(CommandBus).execute(new SendNotificationCommand({ request: { id: newId(), variables: {}, ...request } }));
}

export interface MessageState {
  status: string;
  provider: string | null;
  failure_code: string | null;
  template_version: number | null;
  attempts: number;
  next_attempt_at: Date | null;
}

export async function messageState(dbUrl: string, id: string): Promise<MessageState> {
  const [row] = await sql<MessageState & Record<string, unknown>>(
    dbUrl,
    'select status, provider, failure_code, template_version, attempts, next_attempt_at from notifications.messages where id = $1',
    [id],
  );
  return row!;
}

/** Waits until the message reaches one of `statuses` (the dispatcher runs every 100 ms in these apps). */
export async function settled(dbUrl: string, id: string, statuses: readonly string[] = ['sent', 'delivered', 'failed', 'suppressed']): Promise<MessageState> {
  return eventually(
    () => messageState(dbUrl, id),
    (m) => statuses.includes(m.status),
  );
}

export async function attemptsOf(
  dbUrl: string,
  id: string,
): Promise<Array<{ attempt: number; provider: string; outcome: string; reason: string | null; at: Date }>> {
  return sql(dbUrl, 'select attempt, provider, outcome, reason, at from notifications.delivery_attempts where message_id = $1 order by id', [id]);
}
