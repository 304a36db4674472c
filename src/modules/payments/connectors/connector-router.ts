import { Injectable } from '@nestjs/common';
import type { ConnectorName } from '../contract/views';
import { ConnectorError, type ConnectorCapability, type PaymentConnector, type RouteRequest } from './connector';
import { ConnectorRegistry } from './connector-registry';

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
}

/**
 * Chooses the connector for a call and fails over to the next one on errors that are safe to
 * retry elsewhere (ConnectorError with retryable and not outcomeUnknown). A call whose outcome
 * is unknown is never sent to another connector: it is rethrown for the caller to retry on the
 * same connector with the same idempotency key, or leave to status sync.
 *
 * This first version orders candidates by registration; routing rules, success rates, health
 * and a circuit breaker per connector come with the gateway connectors.
 */
@Injectable()
export class ConnectorRouter {
  constructor(private readonly registry: ConnectorRegistry) {}

  candidates(route: RouteRequest, operation: ConnectorCapability): PaymentConnector[] {
    return this.registry.all().filter((c) => c.capabilities.has(operation) && c.accepts(route));
  }

  async run<T>(call: RoutedCall, attempt: (connector: PaymentConnector) => Promise<T>): Promise<RoutedResult<T>> {
    const pinned = call.pinned ? this.registry.get(call.pinned) : undefined;
    const candidates = pinned ? [pinned] : this.candidates(call.route, call.operation);
    if (candidates.length === 0) throw new ConnectorError('internal', 'NO_CONNECTOR', `no connector can ${call.operation} this payment`, false, false);
    let last: unknown;
    for (const connector of candidates) {
      try {
        return { connector: connector.name, result: await attempt(connector) };
      } catch (error) {
        last = error;
        if (!(error instanceof ConnectorError) || !error.retryable || error.outcomeUnknown) throw error;
      }
    }
    throw last;
  }
}
