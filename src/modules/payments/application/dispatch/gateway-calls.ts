import { Injectable } from '@nestjs/common';
import {
  ConnectorError,
  type ConnectorCapability,
  type ConnectorPaymentRequest,
  type ConnectorPaymentResult,
  type PaymentConnector,
} from '@modules/payments/connectors/connector';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { ConnectorRouter, type RoutedResult } from '@modules/payments/connectors/connector-router';
import type { ConnectorName } from '@modules/payments/contract';
import { PaymentRepository, type GatewayCallRow, type PaymentRow } from '@modules/payments/infrastructure/payment.repository';
import { BeneficiaryLookup } from '../beneficiary-lookup';

/** The provider's own idempotency key of a call: stable per payment, operation and connector. */
export const providerIdempotencyKey = (paymentId: string, operation: string, connector: ConnectorName): string => `${paymentId}:${operation}:${connector}`;

/**
 * Calls a connector for a payment, outside any database transaction: routed by the
 * ConnectorRouter (failover only on errors that are safe to retry elsewhere), the connector
 * pinned on the payment before each attempt — so a process that dies mid-call retries the
 * same connector with the same key, never another one that could charge again — and each
 * call recorded in payments.gateway_calls.
 */
@Injectable()
export class GatewayCalls {
  constructor(
    private readonly router: ConnectorRouter,
    private readonly registry: ConnectorRegistry,
    private readonly payments: PaymentRepository,
    private readonly beneficiaries: BeneficiaryLookup,
  ) {}

  /** The payment's charge (pay-in: authorize) or payout, as first sent or re-sent with the same key. */
  async initiate(row: PaymentRow): Promise<RoutedResult<ConnectorPaymentResult>> {
    const operation: ConnectorCapability = row.kind === 'payout' ? 'payout' : 'authorize';
    // A payment pinned to a connector this process lacks waits for it (never routed elsewhere: the first may have charged).
    if (row.connector && !this.registry.get(row.connector)) throw new Error(`connector ${row.connector} is not available in this process`);
    const base = await this.requestOf(row);
    return this.router.run({ paymentId: row.id, operation, route: base, ...(row.connector ? { pinned: row.connector } : {}) }, async (connector) => {
      if (row.connector !== connector.name) await this.pin(row, connector.name);
      // The router records this call in payments.gateway_calls (and in its health window).
      const request: ConnectorPaymentRequest = { ...base, idempotencyKey: providerIdempotencyKey(row.id, operation, connector.name) };
      const unsupported = () => new ConnectorError(connector.name, 'NOT_SUPPORTED', `${connector.name} cannot ${operation}`, false, false);
      if (operation === 'payout') {
        if (!connector.payout) throw unsupported();
        return connector.payout(request);
      }
      if (!connector.authorize) throw unsupported();
      return connector.authorize(request);
    });
  }

  /** The provider's current view of a payment it knows (status poll on the pinned connector). */
  async status(row: PaymentRow, connector: PaymentConnector): Promise<ConnectorPaymentResult> {
    if (!connector.status) throw new ConnectorError(connector.name, 'NOT_SUPPORTED', `${connector.name} cannot poll status`, false, false);
    return this.timed(row.id, connector, 'status', providerIdempotencyKey(row.id, 'status', connector.name), () => connector.status!(row.provider_reference!));
  }

  /** Captures what the buyer approved (the whole amount), on the connector that carries it, with one key per payment. */
  async capture(row: PaymentRow, connector: PaymentConnector): Promise<ConnectorPaymentResult> {
    if (!connector.capture) throw new ConnectorError(connector.name, 'NOT_SUPPORTED', `${connector.name} cannot capture`, false, false);
    const key = providerIdempotencyKey(row.id, 'capture', connector.name);
    return this.timed(row.id, connector, 'capture', key, () => connector.capture!(row.provider_reference!, BigInt(row.amount), row.currency.trim(), key));
  }

  async cancel(row: PaymentRow, connector: PaymentConnector): Promise<ConnectorPaymentResult> {
    if (!connector.cancel) throw new ConnectorError(connector.name, 'NOT_SUPPORTED', `${connector.name} cannot cancel`, false, false);
    const key = providerIdempotencyKey(row.id, 'cancel', connector.name);
    return this.timed(row.id, connector, 'cancel', key, () => connector.cancel!(row.provider_reference!, key));
  }

  async timed<T>(paymentId: string, connector: PaymentConnector, operation: string, idempotencyKey: string, call: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      const result = await call();
      const failed = (result as { status?: string }).status === 'failed';
      await this.payments.recordCall({
        paymentId,
        connector: connector.name,
        operation,
        idempotencyKey,
        outcome: failed ? 'failed' : 'succeeded',
        errorCode: (result as { failureCode?: string }).failureCode ?? null,
        latencyMs: performance.now() - started,
      });
      return result;
    } catch (error) {
      const outcome: GatewayCallRow['outcome'] =
        error instanceof ConnectorError ? (error.outcomeUnknown ? 'unknown' : error.retryable ? 'retryable' : 'failed') : 'unknown';
      const errorCode = error instanceof ConnectorError ? error.code : 'UNEXPECTED';
      await this.payments.recordCall({
        paymentId,
        connector: connector.name,
        operation,
        idempotencyKey,
        outcome,
        errorCode,
        latencyMs: performance.now() - started,
      });
      throw error;
    }
  }

  private async requestOf(row: PaymentRow): Promise<Omit<ConnectorPaymentRequest, 'idempotencyKey'>> {
    const request = row.request as { paymentMethodToken?: string; returnUrl?: string; country?: string };
    const beneficiary = row.beneficiary_id ? await this.beneficiaries.findForOwner(row.owner_id, row.beneficiary_id) : null;
    if (row.beneficiary_id && !beneficiary)
      throw new ConnectorError('internal', 'BENEFICIARY_GONE', 'the beneficiary was deleted before the payout was sent', false, false);
    const country = request.country ?? beneficiary?.country;
    return {
      paymentId: row.id,
      method: row.method,
      currency: row.currency.trim(),
      amount: BigInt(row.amount),
      ...(country ? { country } : {}),
      ...(request.paymentMethodToken ? { paymentMethodToken: request.paymentMethodToken } : {}),
      ...(request.returnUrl ? { returnUrl: request.returnUrl } : {}),
      ...(row.reference ? { description: row.reference } : {}),
      ...(beneficiary ? { beneficiary } : {}),
    };
  }

  /** Records which connector carries the payment before it is called: a retry after a crash stays on it. */
  private async pin(row: PaymentRow, connector: ConnectorName): Promise<void> {
    await this.payments.pin(row.id, connector);
    row.connector = connector;
  }
}
