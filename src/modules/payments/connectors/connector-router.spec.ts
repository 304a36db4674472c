import { Metrics } from '@platform/metrics/metrics';
import type { UnitOfWork } from '@platform/database/unit-of-work';
import type { ConnectorName } from '../contract/views';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';
import { ConnectorError, type ConnectorCapability, type ConnectorPaymentResult, type PaymentConnector, type RouteRequest } from './connector';
import { ConnectorRegistry } from './connector-registry';
import { ConnectorRouter } from './connector-router';

/** A connector double whose answers the test scripts per call. */
class Double implements PaymentConnector {
  readonly capabilities: ReadonlySet<ConnectorCapability>;
  readonly seen: string[] = [];
  next: Array<() => ConnectorPaymentResult> = [];
  constructor(
    readonly name: ConnectorName,
    private readonly currencies: readonly string[] = ['EUR', 'USD'],
    capabilities: ConnectorCapability[] = ['authorize', 'refund'],
  ) {
    this.capabilities = new Set(capabilities);
  }
  accepts(route: RouteRequest): boolean {
    return this.currencies.includes(route.currency);
  }
  authorize(request: { idempotencyKey: string }): Promise<ConnectorPaymentResult> {
    this.seen.push(request.idempotencyKey);
    const answer = this.next.shift() ?? (() => ok(this.name));
    try {
      return Promise.resolve(answer());
    } catch (error) {
      return Promise.reject(error);
    }
  }
}

const ok = (name: string): ConnectorPaymentResult => ({ status: 'succeeded', providerReference: `${name}-ref` });
const unreachable = (name: ConnectorName) => () => {
  throw new ConnectorError(name, 'UNREACHABLE', 'not sent', true, false);
};
const timeout = (name: ConnectorName) => () => {
  throw new ConnectorError(name, 'TIMEOUT', 'no answer', true, true);
};
const invalid = (name: ConnectorName) => () => {
  throw new ConnectorError(name, 'parameter_invalid', 'bad', false, false);
};

const route: RouteRequest = { method: 'card', currency: 'EUR', amount: 1000n };

function settings(env: Record<string, string> = {}): PaymentsConfig {
  return paymentsConfig.read(
    paymentsConfig.variables.parse({ PAYMENTS_BREAKER_FAILURES: '3', PAYMENTS_BREAKER_MIN_CALLS: '10', PAYMENTS_BREAKER_COOLDOWN_MS: '1000', ...env }),
    {
      env: 'test',
      dataDir: '/tmp',
    },
  );
}

describe('ConnectorRouter', () => {
  let now: number;
  let rows: unknown[][];
  let registry: ConnectorRegistry;
  let stripe: Double;
  let adyen: Double;
  let paypal: Double;
  let metrics: Metrics;

  const router = (env: Record<string, string> = {}) => {
    const uow = { query: (_sql: string, params: unknown[]) => (rows.push(params), Promise.resolve({ rows: [], rowCount: 1 })) } as unknown as UnitOfWork;
    return new ConnectorRouter(registry, settings(env), uow, metrics, () => now);
  };
  const run = (r: ConnectorRouter, over: Partial<Parameters<ConnectorRouter['run']>[0]> = {}) =>
    r.run({ paymentId: 'p1', operation: 'authorize', route, ...over }, (c, idempotencyKey) => c.authorize!({ ...route, paymentId: 'p1', idempotencyKey }));

  beforeEach(() => {
    now = 0;
    rows = [];
    metrics = new Metrics();
    registry = new ConnectorRegistry();
    stripe = new Double('stripe');
    adyen = new Double('adyen');
    paypal = new Double('paypal', ['EUR'], ['authorize']);
    for (const c of [stripe, adyen, paypal]) registry.register(c);
  });

  describe('rules', () => {
    const rules = JSON.stringify([
      { connectors: ['adyen', 'stripe'], currencies: ['EUR'], methods: ['card'], countries: ['DE', 'FR'], maxAmount: '50000' },
      { connectors: ['paypal'], methods: ['wallet'] },
      { connectors: ['stripe'], currencies: ['USD'], minAmount: '100' },
    ]);

    it('the first matching rule names the connectors and their order', () => {
      const r = router({ PAYMENTS_ROUTING_RULES: rules });
      expect(r.candidates({ ...route, country: 'DE' }, 'authorize').map((c) => c.name)).toEqual(['adyen', 'stripe']);
      expect(r.candidates({ ...route, method: 'wallet' }, 'authorize').map((c) => c.name)).toEqual(['paypal']);
      expect(r.candidates({ ...route, currency: 'USD', amount: 100n }, 'authorize').map((c) => c.name)).toEqual(['stripe']);
    });

    it('a condition that fails (country, amount range) moves to the next rule; no match: every connector that accepts, in registration order', () => {
      const r = router({ PAYMENTS_ROUTING_RULES: rules });
      expect(r.candidates({ ...route, country: 'US' }, 'authorize').map((c) => c.name)).toEqual(['stripe', 'adyen', 'paypal']);
      expect(r.candidates({ ...route, country: 'DE', amount: 50001n }, 'authorize').map((c) => c.name)).toEqual(['stripe', 'adyen', 'paypal']);
      expect(r.candidates({ ...route, currency: 'USD', amount: 99n }, 'authorize').map((c) => c.name)).toEqual(['stripe', 'adyen']);
    });

    it('only connectors that declare the operation and accept the payment', () => {
      const r = router();
      expect(r.candidates(route, 'refund').map((c) => c.name)).toEqual(['stripe', 'adyen']);
      expect(r.candidates({ ...route, currency: 'GBP' }, 'authorize')).toEqual([]);
    });

    it('rejects rules that are not valid JSON rules, naming the variable', () => {
      expect(() => settings({ PAYMENTS_ROUTING_RULES: '[{"connectors":["visa"]}]' })).toThrow();
      expect(() => settings({ PAYMENTS_ROUTING_RULES: '[{"connectors":["stripe"],"minAmount":"10","maxAmount":"5"}]' })).toThrow(/PAYMENTS_ROUTING_RULES/);
      expect(() => settings({ PAYMENTS_ROUTING_RULES: '[{"connectors":["stripe"],"maxAmount":1.5}]' })).toThrow();
    });
  });

  describe('success-rate ordering', () => {
    it('a connector well below the best rate moves behind; within the margin the rule order stays', async () => {
      const r = router({ PAYMENTS_BREAKER_FAILURES: '100', PAYMENTS_BREAKER_FAILURE_RATIO_PERCENT: '100' });
      // stripe: 10 calls, 3 failing (70 %): below adyen (100 %) by more than the 10 % margin
      for (let i = 0; i < 10; i++) {
        stripe.next.push(i < 3 ? unreachable('stripe') : () => ok('stripe'));
        await run(r, { pinned: 'stripe' }).catch(() => undefined);
      }
      for (let i = 0; i < 10; i++) await run(r, { pinned: 'adyen' });
      expect(r.candidates(route, 'authorize').map((c) => c.name)).toEqual(['adyen', 'paypal', 'stripe']);
      // one failure in 10 for adyen (90 %): within 10 % of paypal (no evidence, 100 %): rule order again between them
      adyen.next.push(unreachable('adyen'));
      await run(r, { pinned: 'adyen' }).catch(() => undefined);
      expect(r.candidates(route, 'authorize').map((c) => c.name)).toEqual(['adyen', 'paypal', 'stripe']);
      expect(r.healthReport().find((h) => h.connector === 'stripe')).toEqual({ connector: 'stripe', circuit: 'closed', successRate: 0.7 });
    });
  });

  describe('circuit breaker', () => {
    it('opens after N consecutive failures, lets one probe through after the cooldown, closes on its success', async () => {
      const r = router();
      for (let i = 0; i < 3; i++) {
        stripe.next.push(unreachable('stripe'));
        adyen.next.push(() => ok('adyen'));
        expect((await run(r)).connector).toBe('adyen');
      }
      expect(r.healthReport().find((h) => h.connector === 'stripe')?.circuit).toBe('open');
      expect(r.candidates(route, 'authorize').map((c) => c.name)).toEqual(['adyen', 'paypal']);
      const before = stripe.seen.length;
      await run(r);
      expect(stripe.seen.length).toBe(before); // not even tried
      now += 1000;
      expect(r.healthReport().find((h) => h.connector === 'stripe')?.circuit).toBe('half_open');
      expect((await run(r)).connector).toBe('stripe'); // the probe succeeds
      expect(r.healthReport().find((h) => h.connector === 'stripe')?.circuit).toBe('closed');
    });

    it('a failed probe opens the circuit again for another cooldown', async () => {
      const r = router();
      for (let i = 0; i < 3; i++) {
        stripe.next.push(unreachable('stripe'));
        await run(r, { pinned: 'stripe' }).catch(() => undefined);
      }
      now += 1000;
      stripe.next.push(unreachable('stripe'));
      await expect(run(r, { pinned: 'stripe' })).rejects.toMatchObject({ code: 'UNREACHABLE' });
      expect(r.healthReport().find((h) => h.connector === 'stripe')?.circuit).toBe('open');
      await expect(run(r, { pinned: 'stripe' })).rejects.toMatchObject({ code: 'CIRCUIT_OPEN', retryable: true, outcomeUnknown: false });
      now += 999;
      await expect(run(r, { pinned: 'stripe' })).rejects.toMatchObject({ code: 'CIRCUIT_OPEN' });
      now += 1;
      expect((await run(r, { pinned: 'stripe' })).connector).toBe('stripe');
    });

    it('opens on the failure ratio over the window even without N consecutive failures', async () => {
      const r = router({ PAYMENTS_BREAKER_FAILURES: '100', PAYMENTS_BREAKER_FAILURE_RATIO_PERCENT: '50' });
      for (let i = 0; i < 10; i++) {
        stripe.next.push(i % 2 === 1 ? unreachable('stripe') : () => ok('stripe'));
        await run(r, { pinned: 'stripe' }).catch(() => undefined);
      }
      expect(r.healthReport().find((h) => h.connector === 'stripe')?.circuit).toBe('open');
    });

    it('declines and validation errors are not health failures', async () => {
      const r = router();
      for (let i = 0; i < 5; i++) {
        stripe.next.push(() => ({ status: 'failed', providerReference: 'x', failureCode: 'card_declined' }));
        await run(r, { pinned: 'stripe' });
        stripe.next.push(invalid('stripe'));
        await run(r, { pinned: 'stripe' }).catch(() => undefined);
      }
      expect(r.healthReport().find((h) => h.connector === 'stripe')).toEqual({ connector: 'stripe', circuit: 'closed', successRate: 1 });
    });

    it('every connector open: CIRCUIT_OPEN, retryable, nothing sent', async () => {
      const r = router();
      for (const c of [stripe, adyen, paypal]) {
        for (let i = 0; i < 3; i++) {
          c.next.push(unreachable(c.name));
          await run(r, { pinned: c.name }).catch(() => undefined);
        }
      }
      await expect(run(r)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN', retryable: true, outcomeUnknown: false });
    });
  });

  describe('failover', () => {
    it('goes to the next connector when nothing happened, with another idempotency key', async () => {
      const r = router();
      stripe.next.push(unreachable('stripe'));
      const routed = await run(r);
      expect(routed.connector).toBe('adyen');
      expect(stripe.seen).toEqual(['p1:authorize:stripe']);
      expect(adyen.seen).toEqual(['p1:authorize:adyen']);
    });

    it('never when the outcome is unknown: the error is the caller’s, the next connector is not called', async () => {
      const r = router();
      stripe.next.push(timeout('stripe'));
      await expect(run(r)).rejects.toMatchObject({ code: 'TIMEOUT', outcomeUnknown: true });
      expect(adyen.seen).toEqual([]);
    });

    it('never on a non-retryable error', async () => {
      const r = router();
      stripe.next.push(invalid('stripe'));
      await expect(run(r)).rejects.toMatchObject({ code: 'parameter_invalid' });
      expect(adyen.seen).toEqual([]);
    });

    it('a pinned call stays on its connector, with a stable key for retries', async () => {
      const r = router();
      stripe.next.push(unreachable('stripe'));
      await expect(run(r, { pinned: 'stripe' })).rejects.toMatchObject({ code: 'UNREACHABLE' });
      await run(r, { pinned: 'stripe' });
      expect(stripe.seen).toEqual(['p1:authorize:stripe', 'p1:authorize:stripe']);
      expect(adyen.seen).toEqual([]);
      await expect(run(r, { pinned: 'internal' })).rejects.toMatchObject({ code: 'NO_CONNECTOR', retryable: false });
    });
  });

  it('records every call (gateway_calls row and metrics) with its outcome', async () => {
    const r = router();
    stripe.next.push(unreachable('stripe'));
    adyen.next.push(() => ({ status: 'failed', providerReference: 'x', failureCode: 'Refused' }));
    await run(r);
    stripe.next.push(timeout('stripe'));
    await run(r).catch(() => undefined);
    expect(rows).toEqual([
      ['p1', 'stripe', 'authorize', 'p1:authorize:stripe', 'retryable', 'UNREACHABLE', 0],
      ['p1', 'adyen', 'authorize', 'p1:authorize:adyen', 'failed', 'Refused', 0],
      ['p1', 'stripe', 'authorize', 'p1:authorize:stripe', 'unknown', 'TIMEOUT', 0],
    ]);
    const text = await metrics.registry.metrics();
    expect(text).toContain('skyro_payments_gateway_calls_total{connector="stripe",operation="authorize",outcome="retryable"} 1');
    expect(text).toContain('skyro_payments_gateway_calls_total{connector="adyen",operation="authorize",outcome="declined"} 1');
    expect(text).toContain('skyro_payments_gateway_calls_total{connector="stripe",operation="authorize",outcome="unknown"} 1');
    expect(text).toContain('skyro_payments_connector_circuit_state{connector="stripe"} 0');
  });
});
