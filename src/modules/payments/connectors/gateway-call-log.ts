import { Logger } from '@nestjs/common';
import type { UnitOfWork } from '@platform/database/unit-of-work';
import type { ConnectorName } from '../contract/views';

export type GatewayCallOutcome = 'succeeded' | 'failed' | 'retryable' | 'unknown';

export interface GatewayCall {
  readonly paymentId: string;
  readonly connector: ConnectorName;
  readonly operation: string;
  readonly idempotencyKey: string;
  readonly outcome: GatewayCallOutcome;
  readonly errorCode?: string;
  readonly latencyMs: number;
}

/**
 * Writes each connector call to payments.gateway_calls on the pool: its own statement, never
 * inside a payment's transaction (a rollback must not erase the record of a call the provider
 * did receive). A failed insert is logged and dropped: the call itself has happened and its
 * outcome is the caller's to apply. Built by the router (not a Nest provider of its own).
 */
export class GatewayCallLog {
  private readonly logger = new Logger('GatewayCallLog');

  constructor(private readonly uow: UnitOfWork) {}

  async record(call: GatewayCall): Promise<void> {
    try {
      await this.uow.query(
        `insert into payments.gateway_calls (payment_id, connector, operation, idempotency_key, outcome, error_code, latency_ms)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [call.paymentId, call.connector, call.operation, call.idempotencyKey, call.outcome, call.errorCode ?? null, Math.max(0, Math.round(call.latencyMs))],
      );
    } catch (error) {
      this.logger.warn(`gateway call not recorded (${call.connector} ${call.operation}): ${error instanceof Error ? error.message.split('\n')[0] : 'error'}`);
    }
  }
}
