import type { CreateBeneficiaryRequest } from '@modules/payments/beneficiaries/beneficiaries.dto';
import { SavedBeneficiaries } from '@modules/payments/beneficiaries/saved-beneficiaries';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { accountsContext } from '@modules/accounts/accounts.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import {
  ConnectorError,
  WebhookVerificationError,
  type ConnectorCapability,
  type ConnectorPaymentRequest,
  type ConnectorPaymentResult,
  type ConnectorPaymentStatus,
  type ConnectorRefundRequest,
  type ConnectorRefundResult,
  type PaymentConnector,
  type ProviderEvent,
  type RouteRequest,
} from '@modules/payments/connectors/connector';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { PAYMENT_EVENTS, type ConnectorName, type PaymentMethod } from '@modules/payments/contract';
import { ledgerTransferId, type LedgerStep } from '@modules/payments/domain/ledger-ids';
import { paymentsContext } from '@modules/payments/payments.context';
import { Injectable, Module } from '@nestjs/common';
import type { EventEnvelope } from '@shared-kernel';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { sweepJobName } from '@platform/work-queue/work-queues';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { customer, openCustomerAccount, transfer, type AccountBody, type Customer } from '../accounts/accounts-support';
import { ledgerClient, openAccount } from '../ledger/ledger-support';
import { startTestApp, type TestApp } from '../support/app';
import { sql } from '../support/database';

/** A test-only context recording every payments event, as notifications or orders would receive them. */
@Injectable()
@OnIntegrationEvent({ context: 'payments_probe', name: 'record', events: [...PAYMENT_EVENTS] })
class RecordPaymentEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope, tx: Tx): Promise<void> {
    await tx.query('insert into payments_probe.events (event_id, type, subject, data) values ($1, $2, $3, $4)', [
      event.id,
      event.type,
      event.subject,
      JSON.stringify(event.data),
    ]);
  }
}

@Module({ providers: [RecordPaymentEvents] })
class PaymentsProbeModule {}

export const paymentsProbe = defineContext({ name: 'payments_probe', module: PaymentsProbeModule });

export async function installPaymentsProbe(databaseUrl: string): Promise<void> {
  await sql(
    databaseUrl,
    [
      ...contextSchemaSql('payments_probe'),
      'create table payments_probe.events (seq bigint generated always as identity, event_id uuid, type text, subject text, data jsonb)',
    ].join(';\n'),
  );
}

/** The payment events published for a payment so far (type and the state the view carried), in order. */
export async function paymentEvents(databaseUrl: string, paymentId: string): Promise<Array<{ type: string; state: string; review: string | null }>> {
  return sql<{ type: string; state: string; review: string | null }>(
    databaseUrl,
    "select type, data->'payment'->>'state' as state, data->'payment'->>'review' as review from payments_probe.events where subject = $1 order by seq",
    [paymentId],
  );
}

/** What the double answers to one call: a result, or an error of each kind a real connector throws. */
export type Behaviour =
  | {
      readonly status: ConnectorPaymentStatus;
      readonly failureCode?: string;
      readonly nextAction?: { type: 'redirect'; url: string };
      readonly needsCapture?: boolean;
    }
  | { readonly throws: 'retryable' | 'unknown' | 'fatal'; readonly did?: ConnectorPaymentStatus };

export interface RecordedCall {
  readonly operation: ConnectorCapability;
  readonly paymentId: string;
  readonly idempotencyKey: string;
  readonly amount?: bigint;
}

export const WEBHOOK_SECRET = 'test-webhook-secret';

/**
 * A connector double registered through ConnectorRegistry. Like a real provider it keeps
 * what each idempotency key did: the same key again answers the first result and does not
 * charge again (`charges` counts distinct keys that moved money). Tests script the answers
 * (`script`, `statusOf`), may hold a call at a gate (`hold`) to race a webhook against it,
 * and sign webhooks with WEBHOOK_SECRET (header x-test-signature, HMAC-SHA256 of the raw body).
 */
export class TestConnector implements PaymentConnector {
  readonly capabilities: ReadonlySet<ConnectorCapability> = new Set<ConnectorCapability>([
    'authorize',
    'capture',
    'payout',
    'refund',
    'cancel',
    'status',
    'webhooks',
  ]);
  readonly calls: RecordedCall[] = [];
  /** Answers for the next calls, in order (per operation); when empty, `fallback`. */
  readonly script = new Map<ConnectorCapability, Behaviour[]>();
  fallback: Behaviour = { status: 'succeeded' };
  /** What status() answers per provider reference (default: what the key's call did). */
  readonly statusOf = new Map<string, Behaviour>();
  private readonly byKey = new Map<string, ConnectorPaymentResult>();
  private gate: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private reached: (() => void) | null = null;

  constructor(
    readonly name: ConnectorName,
    private readonly methods: readonly PaymentMethod[],
  ) {}

  accepts(route: RouteRequest): boolean {
    return this.methods.includes(route.method);
  }

  /** Distinct charges or payouts the provider made (one per idempotency key that succeeded or is processing). */
  get charges(): number {
    return [...this.byKey.values()].filter((r) => r.status !== 'failed').length;
  }

  /** The next call waits until `open()`; answers a promise that resolves once a call is waiting. */
  hold(): Promise<void> {
    this.gate = new Promise((r) => (this.release = r));
    return new Promise((r) => (this.reached = r));
  }

  open(): void {
    this.release?.();
    this.gate = null;
  }

  next(operation: ConnectorCapability, behaviours: Behaviour[]): void {
    this.script.set(operation, [...(this.script.get(operation) ?? []), ...behaviours]);
  }

  authorize(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    return this.charge('authorize', request);
  }

  payout(request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    return this.charge('payout', request);
  }

  async status(providerReference: string): Promise<ConnectorPaymentResult> {
    this.calls.push({ operation: 'status', paymentId: providerReference.replace(/^ref_/, ''), idempotencyKey: '' });
    const scripted = this.take('status') ?? this.statusOf.get(providerReference);
    if (scripted) return this.answer(scripted, providerReference);
    const known = [...this.byKey.values()].find((r) => r.providerReference === providerReference);
    if (!known) throw new ConnectorError(this.name, 'NOT_FOUND', 'no such payment', false, false);
    return known;
  }

  /** Captures what the buyer approved: once per key (a repeat answers the first capture). */
  async capture(providerReference: string, amount: bigint, _currency: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    const paymentId = providerReference.replace(/^ref_/, '');
    this.calls.push({ operation: 'capture', paymentId, idempotencyKey, amount });
    const seen = this.byKey.get(idempotencyKey);
    if (seen) return seen;
    const result = this.answer(this.take('capture') ?? { status: 'succeeded' }, providerReference);
    this.byKey.set(idempotencyKey, result);
    return result;
  }

  async cancel(providerReference: string, idempotencyKey: string): Promise<ConnectorPaymentResult> {
    this.calls.push({ operation: 'cancel', paymentId: providerReference.replace(/^ref_/, ''), idempotencyKey });
    return this.answer(this.take('cancel') ?? { status: 'canceled' }, providerReference);
  }

  async refund(request: ConnectorRefundRequest): Promise<ConnectorRefundResult> {
    this.calls.push({ operation: 'refund', paymentId: request.paymentId, idempotencyKey: request.idempotencyKey, amount: request.amount });
    const behaviour = this.take('refund') ?? { status: 'succeeded' };
    if ('throws' in behaviour) throw this.error(behaviour.throws);
    const status = behaviour.status === 'failed' ? 'failed' : behaviour.status === 'processing' ? 'processing' : 'succeeded';
    return { status, providerReference: `re_${request.refundId}`, ...(behaviour.failureCode ? { failureCode: behaviour.failureCode } : {}) };
  }

  async verifyWebhook(rawBody: Buffer, headers: Readonly<Record<string, string | undefined>>): Promise<ProviderEvent[]> {
    const expected = createHmac('sha256', WEBHOOK_SECRET).update(rawBody).digest();
    const given = Buffer.from(headers['x-test-signature'] ?? '', 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new WebhookVerificationError(this.name, 'x-test-signature does not match');
    const body = JSON.parse(rawBody.toString('utf8')) as {
      events: Array<Omit<ProviderEvent, 'occurredAt' | 'amount'> & { occurredAt: string; amount?: string }>;
    };
    return body.events.map((e) => ({ ...e, occurredAt: new Date(e.occurredAt), ...(e.amount ? { amount: BigInt(e.amount) } : {}) }) as ProviderEvent);
  }

  private async charge(operation: 'authorize' | 'payout', request: ConnectorPaymentRequest): Promise<ConnectorPaymentResult> {
    this.calls.push({ operation, paymentId: request.paymentId, idempotencyKey: request.idempotencyKey, amount: request.amount });
    if (this.gate) {
      const gate = this.gate;
      this.reached?.();
      await gate;
    }
    const behaviour = this.take(operation) ?? this.fallback;
    const seen = this.byKey.get(request.idempotencyKey);
    if ('throws' in behaviour) {
      // 'unknown': the provider did the work (succeeded, or what `did` says), the answer was lost.
      if (behaviour.throws === 'unknown' && !seen)
        this.byKey.set(request.idempotencyKey, { status: behaviour.did ?? 'succeeded', providerReference: `ref_${request.paymentId}` });
      throw this.error(behaviour.throws);
    }
    if (seen) return seen;
    const result = this.answer(behaviour, `ref_${request.paymentId}`);
    this.byKey.set(request.idempotencyKey, result);
    return result;
  }

  private answer(behaviour: Behaviour, providerReference: string): ConnectorPaymentResult {
    if ('throws' in behaviour) throw this.error(behaviour.throws);
    return {
      status: behaviour.status,
      providerReference,
      ...(behaviour.failureCode ? { failureCode: behaviour.failureCode } : {}),
      ...(behaviour.nextAction ? { nextAction: behaviour.nextAction } : {}),
      ...(behaviour.needsCapture ? { needsCapture: true } : {}),
    };
  }

  private take(operation: ConnectorCapability): Behaviour | undefined {
    return this.script.get(operation)?.shift();
  }

  private error(kind: 'retryable' | 'unknown' | 'fatal'): ConnectorError {
    if (kind === 'retryable') return new ConnectorError(this.name, 'PROVIDER_5XX', 'provider answered 503 before doing anything', true, false);
    if (kind === 'unknown') return new ConnectorError(this.name, 'TIMEOUT', 'provider timed out after the request was sent', true, true);
    return new ConnectorError(this.name, 'INVALID_REQUEST', 'provider refused the request', false, false);
  }
}

/** Signs a webhook body as the double expects. */
export function signed(events: ReadonlyArray<Record<string, unknown>>): { body: string; signature: string } {
  const body = JSON.stringify({ events });
  return { body, signature: createHmac('sha256', WEBHOOK_SECRET).update(body).digest('hex') };
}

export interface PaymentsHarness {
  readonly t: TestApp;
  readonly card: TestConnector;
  readonly sepa: TestConnector;
  readonly ledgerAuth: Record<string, string>;
  readonly bankEur: string;
  funded(who: Customer, amount: string, currency?: string): Promise<AccountBody>;
  balances(ledgerAccountId: string): Promise<{ posted: string; pending: string; available: string }>;
  beneficiary(ownerId: string, rail?: 'ach' | 'wire' | 'sepa' | 'swift', currency?: string): Promise<string>;
  /** Runs one round of a payments job now (dispatch: its sweep, which hands due payments to the queue). */
  runJob(
    name: 'payments.dispatch' | 'payments.status-sync' | 'payments.provider-events' | 'payments.refunds' | 'payments.rail-files' | 'payments.ach-settle',
  ): Promise<void>;
  customer(): Promise<Customer>;
  /** Opens any gate a failed test left closed (a call waiting there would hold the shutdown), then closes the app. */
  close(): Promise<void>;
}

/**
 * ledger + accounts + payments in one app, with a card double ('stripe': card, wallet) and a
 * SEPA double ('sepa': sepa, ach, wire, swift). Timers are slow (an hour) so a test decides
 * when a job runs, except the wake-ups after commits (dispatch right after creation, events
 * right after a webhook is stored), which are what production does.
 */
export async function startPaymentsApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  options: { secondPod?: boolean; redis?: boolean } = {},
): Promise<PaymentsHarness> {
  // A second "pod" on the same database shares the first one's probe and schema.
  if (!options.secondPod) await installPaymentsProbe(databaseUrl);
  const t = await startTestApp({
    contexts: options.secondPod ? [ledgerContext, accountsContext, paymentsContext] : [ledgerContext, accountsContext, paymentsContext, paymentsProbe],
    databaseUrl,
    ...(options.redis ? { redis: true } : {}),
    env: {
      ACCOUNTS_CURRENCIES: 'EUR,USD',
      PAYMENTS_DISPATCH_INTERVAL_MS: '3600000',
      PAYMENTS_DISPATCH_SWEEP_AFTER_MS: '0',
      PAYMENTS_SYNC_INTERVAL_MS: '3600000',
      PAYMENTS_EVENTS_INTERVAL_MS: '3600000',
      PAYMENTS_RETRY_BASE_MS: '1',
      ...env,
    },
  });
  const card = new TestConnector('stripe', ['card', 'wallet']);
  const sepa = new TestConnector('sepa', ['sepa', 'ach', 'wire', 'swift']);
  t.app.get(ConnectorRegistry).register(card);
  t.app.get(ConnectorRegistry).register(sepa);
  const ledgerAuth = await ledgerClient(t);
  const banks = new Map<string, string>();
  const bank = async (currency: string) => {
    if (!banks.has(currency)) banks.set(currency, await openAccount(t, ledgerAuth, { normalSide: 'debit', currency }));
    return banks.get(currency)!;
  };
  const bankEur = await bank('EUR');
  return {
    t,
    card,
    sepa,
    ledgerAuth,
    bankEur,
    customer: () => customer(t),
    async funded(who, amount, currency = 'EUR') {
      const account = await openCustomerAccount(t, who, { product: 'checking', currency });
      if (amount !== '0') {
        const res = await transfer(t, ledgerAuth, { debitAccountId: await bank(currency), creditAccountId: account.ledgerAccountId, amount, currency });
        if (res.status !== 201) throw new Error(`funding failed: ${res.status} ${JSON.stringify(res.body)}`);
      }
      return account;
    },
    async balances(ledgerAccountId) {
      const res = await t.http().get(`/v1/ledger/accounts/${ledgerAccountId}`).set(ledgerAuth);
      if (res.status !== 200) throw new Error(`ledger account ${ledgerAccountId}: ${res.status}`);
      return (res.body as { balances: { posted: string; pending: string; available: string } }).balances;
    },
    async beneficiary(ownerId, rail = 'sepa', currency = 'EUR') {
      // Saved through the beneficiaries part itself: account numbers are sealed there.
      const details: CreateBeneficiaryRequest =
        rail === 'ach'
          ? { rail, name: 'ERIKA MUSTERMANN', currency, routingNumber: '011000015', accountNumber: '123456789', accountType: 'checking' }
          : { rail, name: 'Erika Mustermann', currency, iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' };
      return (await t.app.get(SavedBeneficiaries).create(ownerId, details)).id;
    },
    runJob: (name) => t.app.get(Scheduler).runNow(name === 'payments.dispatch' ? sweepJobName(name) : name),
    async close() {
      card.open();
      sepa.open();
      await t.close();
    },
  };
}

export interface PaymentBody {
  id: string;
  ownerId: string;
  kind: string;
  method: string;
  state: string;
  amount: string;
  currency: string;
  fee: string;
  refundedAmount: string;
  accountId: string;
  beneficiaryId: string | null;
  connector: string | null;
  providerReference: string | null;
  nextAction: { type: string; url: string } | null;
  failureCode: string | null;
  review: string | null;
}

/** The payment as the owner reads it. */
export async function paymentOf(t: TestApp, who: Customer, id: string): Promise<PaymentBody> {
  const res = await t.http().get(`/v1/payments/${id}`).set(who.auth);
  if (res.status !== 200) throw new Error(`GET payment ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as PaymentBody;
}

/** The ledger transfers of a payment's steps (their derived ids), read from the ledger's own table, in order. */
export async function ledgerTransfersOf(
  databaseUrl: string,
  paymentId: string,
  refundIds: readonly string[] = [],
): Promise<Array<{ step: string; kind: string; amount: string }>> {
  const steps: LedgerStep[] = [
    'hold',
    'post',
    'void',
    'fee',
    'credit',
    'return',
    ...refundIds.flatMap((r) => (['hold', 'post', 'void'] as const).map((s) => `refund:${r}:${s}` as const)),
  ];
  const ids = new Map(steps.map((step) => [ledgerTransferId(paymentId, step), step]));
  const rows = await sql<{ id: string; kind: string; amount: string }>(
    databaseUrl,
    'select id, kind, amount::text as amount from ledger.transfers where id = any($1) order by created_at, id',
    [[...ids.keys()]],
  );
  return rows.map((r) => ({ step: ids.get(r.id)!, kind: r.kind, amount: r.amount }));
}
