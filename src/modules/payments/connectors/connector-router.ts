import { Inject, Injectable, Optional } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Metrics } from '@platform/metrics/metrics';
import type { ConnectorName } from '../contract/views';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';
import { ConnectorHealth, type CircuitState } from './circuit-breaker';
import { ConnectorError, type ConnectorCapability, type PaymentConnector, type RouteRequest } from './connector';
import { ConnectorRegistry } from './connector-registry';
import { GatewayCallLog, type GatewayCallOutcome } from './gateway-call-log';
import { preferenceFor } from './routing-rules';

/** What the router tells the caller about the call it made. */
export interface RoutedResult<T> {
  readonly connector: ConnectorName;
  readonly result: T;
}

/** The payment a routed call is for (the gateway-call log and the provider's idempotency key use it). */
export interface RoutedCall {
  readonly paymentId: string;
  readonly operation: ConnectorCapability;
  readonly route: RouteRequest;
  /** Connectors already tried for this payment (a retry resumes after them), or the one it must stay on. */
  readonly pinned?: ConnectorName;
  /**
   * Base of the provider idempotency key (default `${paymentId}:${operation}`; a refund passes
   * its refund id). The key handed to `attempt` is `${base}:${connector}`: stable for a retry on
   * the same connector, different on another connector.
   */
  readonly idempotencyKey?: string;
}

/** Injection token of the router's clock (tests give a manual one; default Date.now). */
export const ROUTER_CLOCK = Symbol('ConnectorRouter clock');

const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, half_open: 1, open: 2 };

/** The provider idempotency key of a call on a connector (what `run` hands to `attempt`). */
export function idempotencyKeyFor(call: Pick<RoutedCall, 'paymentId' | 'operation' | 'idempotencyKey'>, connector: ConnectorName): string {
  return `${call.idempotencyKey ?? `${call.paymentId}:${call.operation}`}:${connector}`;
}

/**
 * Chooses the connector for a call and fails over to the next one on errors that are safe to
 * retry elsewhere (ConnectorError with retryable and not outcomeUnknown). A call whose outcome
 * is unknown is never sent to another connector: it is rethrown for the caller to retry on the
 * same connector with the same idempotency key, or leave to status sync.
 *
 * Candidates: the first routing rule matching the payment names the connectors and their order
 * of preference (no rule matches: every registered connector, in registration order); only
 * those that declare the operation and accept the payment; an open circuit removes a
 * connector; connectors whose recent success rate is more than the margin below the best one
 * move behind it (the rule's order is kept among equals). Health lives in this process's
 * memory (a sliding window per connector; each pod learns on its own).
 *
 * Every call is counted in Prometheus and written to payments.gateway_calls (outside any
 * transaction).
 */
@Injectable()
export class ConnectorRouter {
  private readonly health = new Map<ConnectorName, ConnectorHealth>();
  private readonly calls: Counter<'connector' | 'operation' | 'outcome'>;
  private readonly duration: Histogram<'connector' | 'operation'>;
  private readonly now: () => number;
  private readonly log: GatewayCallLog;

  constructor(
    private readonly registry: ConnectorRegistry,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
    uow: UnitOfWork,
    metrics: Metrics,
    @Optional() @Inject(ROUTER_CLOCK) now?: () => number,
  ) {
    this.now = now ?? Date.now;
    this.log = new GatewayCallLog(uow);
    this.calls = new Counter({
      name: 'skyro_payments_gateway_calls_total',
      help: 'Connector calls by connector, operation and outcome (succeeded, declined, failed, retryable, unknown, circuit_open)',
      labelNames: ['connector', 'operation', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'skyro_payments_gateway_call_duration_seconds',
      help: 'Connector call latency by connector and operation',
      labelNames: ['connector', 'operation'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [metrics.registry],
    });
    metrics.sampledGaugeBy('skyro_payments_connector_circuit_state', 'Circuit breaker per connector: 0 closed, 1 half-open, 2 open', 'connector', () => {
      return new Map(this.registry.all().map((c) => [c.name, CIRCUIT_VALUE[this.healthOf(c.name).current()]]));
    });
    metrics.sampledGaugeBy(
      'skyro_payments_connector_success_rate',
      "Share of a connector's recent calls that got an answer (sliding window, this process)",
      'connector',
      () => {
        return new Map(this.registry.all().map((c) => [c.name, this.healthOf(c.name).successRate()]));
      },
    );
  }

  candidates(route: RouteRequest, operation: ConnectorCapability): PaymentConnector[] {
    const preference = preferenceFor(this.config.connectors.routing.rules, route);
    const pool = preference ? preference.map((name) => this.registry.get(name)).filter((c): c is PaymentConnector => c !== undefined) : this.registry.all();
    const eligible = pool.filter((c) => c.capabilities.has(operation) && c.accepts(route) && this.healthOf(c.name).available());
    const margin = this.config.connectors.routing.successMargin;
    const best = Math.max(0, ...eligible.map((c) => this.healthOf(c.name).successRate()));
    // stable sort: within the margin of the best, the rule's order; below it, behind, by rate
    const tier = (c: PaymentConnector) => {
      const rate = this.healthOf(c.name).successRate();
      return best - rate <= margin + 1e-9 ? 0 : 1 - rate;
    };
    return eligible
      .map((c, i) => ({ c, i, t: tier(c) }))
      .sort((a, b) => a.t - b.t || a.i - b.i)
      .map((x) => x.c);
  }

  /** Each registered connector's circuit state and recent success rate (staff views, health checks). */
  healthReport(): Array<{ connector: ConnectorName; circuit: CircuitState; successRate: number }> {
    return this.registry.all().map((c) => ({ connector: c.name, circuit: this.healthOf(c.name).current(), successRate: this.healthOf(c.name).successRate() }));
  }

  async run<T>(call: RoutedCall, attempt: (connector: PaymentConnector, idempotencyKey: string) => Promise<T>): Promise<RoutedResult<T>> {
    let candidates: PaymentConnector[];
    if (call.pinned) {
      const pinned = this.registry.get(call.pinned);
      if (!pinned || !pinned.capabilities.has(call.operation)) {
        throw new ConnectorError(call.pinned, 'NO_CONNECTOR', `connector ${call.pinned} cannot ${call.operation}`, false, false);
      }
      candidates = [pinned];
    } else {
      candidates = this.candidates(call.route, call.operation);
    }
    if (candidates.length === 0) {
      const anyConfigured = this.registry.all().some((c) => c.capabilities.has(call.operation) && c.accepts(call.route));
      if (anyConfigured)
        throw new ConnectorError('internal', 'CIRCUIT_OPEN', `every connector that can ${call.operation} this payment is unavailable`, true, false);
      throw new ConnectorError('internal', 'NO_CONNECTOR', `no connector can ${call.operation} this payment`, false, false);
    }
    let last: unknown;
    for (const connector of candidates) {
      const health = this.healthOf(connector.name);
      if (!health.tryAcquire()) {
        this.calls.inc({ connector: connector.name, operation: call.operation, outcome: 'circuit_open' });
        last = new ConnectorError(connector.name, 'CIRCUIT_OPEN', `${connector.name} is unavailable (circuit open)`, true, false);
        continue;
      }
      const idempotencyKey = idempotencyKeyFor(call, connector.name);
      const started = this.now();
      try {
        const result = await attempt(connector, idempotencyKey);
        health.record(true);
        const failureCode = declined(result);
        await this.finish(
          call,
          connector.name,
          idempotencyKey,
          started,
          failureCode === undefined ? 'succeeded' : 'failed',
          failureCode,
          failureCode === undefined ? 'succeeded' : 'declined',
        );
        return { connector: connector.name, result };
      } catch (error) {
        last = error;
        const outcome: GatewayCallOutcome =
          error instanceof ConnectorError ? (error.outcomeUnknown ? 'unknown' : error.retryable ? 'retryable' : 'failed') : 'unknown';
        if (outcome === 'failed') health.release();
        else health.record(false);
        await this.finish(call, connector.name, idempotencyKey, started, outcome, error instanceof ConnectorError ? error.code : 'INTERNAL', outcome);
        if (!(error instanceof ConnectorError) || !error.retryable || error.outcomeUnknown) throw error;
      }
    }
    throw last;
  }

  private async finish(
    call: RoutedCall,
    connector: ConnectorName,
    idempotencyKey: string,
    started: number,
    outcome: GatewayCallOutcome,
    errorCode: string | undefined,
    metric: string,
  ): Promise<void> {
    const latencyMs = this.now() - started;
    this.calls.inc({ connector, operation: call.operation, outcome: metric });
    this.duration.observe({ connector, operation: call.operation }, latencyMs / 1000);
    await this.log.record({
      paymentId: call.paymentId,
      connector,
      operation: call.operation,
      idempotencyKey,
      outcome,
      ...(errorCode ? { errorCode } : {}),
      latencyMs,
    });
  }

  private healthOf(name: ConnectorName): ConnectorHealth {
    let health = this.health.get(name);
    if (!health) {
      health = new ConnectorHealth(this.config.connectors.breaker, this.now);
      this.health.set(name, health);
    }
    return health;
  }
}

/** The provider's decline code when a call answered with a failed payment or refund. */
function declined(result: unknown): string | undefined {
  if (result && typeof result === 'object' && (result as { status?: unknown }).status === 'failed') {
    const code = (result as { failureCode?: unknown }).failureCode;
    return typeof code === 'string' ? code : 'failed';
  }
  return undefined;
}
