import { createHash, randomBytes } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { accountsContext } from '@modules/accounts/accounts.context';
import { AccountOpenedV1, BalanceChangedV1 } from '@modules/accounts/contract';
import { PaymentReturnedV1, type PaymentView } from '@modules/payments/contract';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { WebhookEndpointDisabledV1 } from '@modules/notifications/contract';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { DELIVER_WEBHOOKS_JOB } from '@modules/notifications/webhooks/application/deliver-webhooks/deliver-webhooks.job';
import { HostResolver, type ResolvedAddress } from '@modules/notifications/webhooks/infrastructure/host-resolver';
import { Clock } from '@platform/clock';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { Outbox } from '@platform/messaging/outbox';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { newId, type EventEnvelope, type IntegrationEvent } from '@shared-kernel';
import { startTestApp, type TestApp } from '../support/app';
import { bearer } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { signUp, staff, testMailbox } from '../identity/support';

/** Records WebhookEndpointDisabledV1 as the owner's side would hear it. */
@Injectable()
@OnIntegrationEvent({ context: 'webhooks_probe', name: 'disabled', events: [WebhookEndpointDisabledV1] })
class RecordDisabled implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into webhooks_probe.events (event_id, type, data) values ($1, $2, $3)', [event.id, event.type, JSON.stringify(event.data)]);
  }
}

@Module({ providers: [RecordDisabled] })
class ProbeModule {}
const probe = defineContext({ name: 'webhooks_probe', module: ProbeModule, dependsOn: ['notifications'] });

@Module({})
class PaymentsPublisherModule {}
/**
 * TEST-ONLY: the payments context's outbox without the context (schema `payments`, its
 * outbox relayed as payments' would be), so payments' events reach notifications the way
 * they do from a deployment running payments elsewhere.
 */
const paymentsPublisher = defineContext({ name: 'payments', module: PaymentsPublisherModule });

/** Answers for host names the tests invent (a name resolving to a private address...); literal addresses as they are. */
export const fakeDns = new Map<string, ResolvedAddress[]>();

export interface WebhooksWorld {
  readonly t: TestApp;
  readonly dbUrl: string;
  /** The platform clock, set by tests. */
  now: number;
  admin: { userId: string; token: string };
  restart(): Promise<void>;
  close(): Promise<void>;
}

export const WEBHOOK_ENV = {
  NOTIFICATIONS_WEBHOOKS_ALLOW_LOOPBACK: 'true',
  NOTIFICATIONS_WEBHOOKS_ALLOW_HTTP: 'true',
  // Only the tests' own steps (and the kick after new messages) run deliveries.
  NOTIFICATIONS_WEBHOOKS_POLL_INTERVAL_MS: '60000',
  NOTIFICATIONS_WEBHOOKS_TIMEOUT_MS: '1000',
  IDENTITY_ARGON2_MEMORY_KIB: '8192',
  IDENTITY_ARGON2_ITERATIONS: '1',
};

/** identity, ledger, accounts and notifications on a fresh database, a test clock and test DNS answers. */
export async function startWebhooksWorld(): Promise<WebhooksWorld> {
  const db = await createTestDatabase();
  await sql(
    db.url,
    [
      ...contextSchemaSql('test_mailbox'),
      // The template database may hold the payments schema already.
      ...((await sql(db.url, `select 1 from information_schema.tables where table_schema = 'payments' and table_name = 'outbox'`)).length === 0
        ? contextSchemaSql('payments')
        : []),
      ...contextSchemaSql('webhooks_probe'),
      'create table webhooks_probe.events (event_id uuid, type text, data jsonb)',
    ].join(';\n'),
  );
  const boot = async () => {
    const t = await startTestApp({
      contexts: [identityContext, ledgerContext, accountsContext, notificationsContext, testMailbox, probe, paymentsPublisher],
      databaseUrl: db.url,
      redis: true,
      env: WEBHOOK_ENV,
    });
    t.app.get(Clock).now = () => world.now;
    const resolver = t.app.get(HostResolver);
    const real = resolver.resolve.bind(resolver);
    resolver.resolve = async (host: string) => fakeDns.get(host) ?? real(host);
    return t;
  };
  const world: WebhooksWorld = {
    t: undefined as unknown as TestApp,
    dbUrl: db.url,
    now: Date.now(),
    admin: undefined as unknown as { userId: string; token: string },
    async restart() {
      await this.t.close();
      (this as { t: TestApp }).t = await boot();
    },
    async close() {
      await this.t?.close();
      await db.drop();
    },
  };
  (world as { t: TestApp }).t = await boot();
  world.admin = await staff({ t: world.t, dbUrl: db.url, close: async () => undefined }, ['admin']);
  return world;
}

export function webhooksConfigOf(t: TestApp): NotificationsConfig['webhooks'] {
  return t.app.get<NotificationsConfig>(notificationsConfig.token).webhooks;
}

/** One delivery round, as the scheduler would run it at the world's clock. */
export function deliverNow(t: TestApp): Promise<void> {
  return t.app.get(Scheduler).runNow(DELIVER_WEBHOOKS_JOB);
}

/** An OAuth client registered by the admin, and a client-credentials token of it from the token endpoint. */
export async function apiClient(
  w: WebhooksWorld,
  scopes: readonly string[],
  options: { authorizationCode?: boolean } = {},
): Promise<{ id: string; secret: string; headers: Record<string, string>; redirectUri: string }> {
  const redirectUri = 'https://partner.example/callback';
  const registered = await w.t
    .http()
    .post('/v1/admin/oauth-clients')
    .set(bearer(w.admin.token))
    .send({
      name: `Partner ${newId().slice(0, 8)}`,
      type: 'confidential',
      scopes,
      grantTypes: options.authorizationCode ? ['client_credentials', 'authorization_code'] : ['client_credentials'],
      ...(options.authorizationCode ? { redirectUris: [redirectUri] } : {}),
    });
  if (registered.status !== 201) throw new Error(`client: ${registered.status} ${JSON.stringify(registered.body)}`);
  const { client, clientSecret } = registered.body as { client: { id: string }; clientSecret: string };
  const token = await w.t
    .http()
    .post('/v1/auth/token')
    .type('form')
    .send({ grant_type: 'client_credentials', client_id: client.id, client_secret: clientSecret });
  if (token.status !== 200) throw new Error(`token: ${token.status} ${JSON.stringify(token.body)}`);
  return { id: client.id, secret: clientSecret, headers: bearer(token.body.access_token as string), redirectUri };
}

/** A signed-up user who authorizes `client` (authorization code + PKCE): identity then says the client acts for them. */
export async function userAuthorizing(
  w: WebhooksWorld,
  client: { id: string; secret: string; redirectUri: string },
  scope = 'webhooks:accounts',
): Promise<string> {
  const user = await signUp(w.t);
  const verifier = randomBytes(32).toString('base64url');
  const authorized = await w.t
    .http()
    .post('/v1/oauth/authorize')
    .set(bearer(user.accessToken))
    .send({
      response_type: 'code',
      client_id: client.id,
      redirect_uri: client.redirectUri,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      scope,
    });
  if (authorized.status !== 200) throw new Error(`authorize: ${authorized.status} ${JSON.stringify(authorized.body)}`);
  const code = new URL(authorized.body.redirectTo as string).searchParams.get('code')!;
  const exchanged = await w.t.http().post('/v1/auth/token').type('form').send({
    grant_type: 'authorization_code',
    client_id: client.id,
    client_secret: client.secret,
    code,
    redirect_uri: client.redirectUri,
    code_verifier: verifier,
  });
  if (exchanged.status !== 200) throw new Error(`exchange: ${exchanged.status} ${JSON.stringify(exchanged.body)}`);
  return user.userId;
}

/** Accounts publishes these events (its outbox, its relay, the notifications inbox: the production path). */
export async function publishAccountsEvents(t: TestApp, events: readonly IntegrationEvent[]): Promise<void> {
  await t.app.get(UnitOfWork).run((tx) => t.app.get(Outbox).append(tx, 'accounts', events));
}

export function balanceChanged(ownerId: string, posted: string, accountId = newId()): IntegrationEvent {
  return BalanceChangedV1(accountId, {
    accountId,
    ownerId,
    currency: 'EUR',
    transferId: newId(),
    asOf: new Date().toISOString(),
    balances: { posted, pending: '0', available: posted },
  });
}

export function accountOpened(ownerId: string, accountId = newId()): IntegrationEvent {
  return AccountOpenedV1(accountId, {
    accountId,
    ownerId,
    product: 'checking',
    currency: 'EUR',
    ledgerAccountId: newId(),
    overdraftLimit: '0',
    openedAt: new Date().toISOString(),
  });
}

/** Payments publishes these events (the payments outbox, its relay, the notifications inbox). */
export async function publishPaymentsEvents(t: TestApp, events: readonly IntegrationEvent[]): Promise<void> {
  await t.app.get(UnitOfWork).run((tx) => t.app.get(Outbox).append(tx, 'payments', events));
}

/** A payout the receiving bank returned, with the fields API clients must not see set. */
export function payoutReturned(ownerId: string, id = newId()): IntegrationEvent {
  const at = new Date().toISOString();
  const payment: PaymentView = {
    id,
    ownerId,
    kind: 'payout',
    method: 'sepa',
    state: 'returned',
    amount: '12500',
    currency: 'EUR',
    fee: '25',
    refundedAmount: '0',
    accountId: newId(),
    counterpartyAccountId: null,
    beneficiaryId: newId(),
    orderId: null,
    connector: 'sepa',
    providerReference: 'PRV-REF-1',
    nextAction: null,
    failureCode: 'AC04',
    review: 'staff note',
    reference: 'Rent for Jane Doe',
    createdAt: at,
    updatedAt: at,
  };
  return PaymentReturnedV1(id, { payment });
}
