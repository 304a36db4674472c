import { Injectable } from '@nestjs/common';
import { ConnectorRegistry } from '@modules/payments/connectors/connector-registry';
import { PaymentRepository } from '@modules/payments/infrastructure/payment.repository';
import { PaymentReports } from '../apply-report/payment-reports';
import { GatewayCalls } from '../dispatch/gateway-calls';

/**
 * A payment the buyer approved at the provider, where the money moves only when we capture
 * (a PayPal order APPROVED, said by its webhook or by a status poll): captures it on the
 * connector that carries it, outside any transaction, with the key
 * `${paymentId}:capture:${connector}` (a webhook and a poll racing, or a retry after a lost
 * answer, reach the provider as one capture), and applies the answer through PaymentReports.
 * A connector error is thrown to the caller, who retries (the event job, status sync).
 */
@Injectable()
export class CaptureApproved {
  constructor(
    private readonly payments: PaymentRepository,
    private readonly registry: ConnectorRegistry,
    private readonly gateway: GatewayCalls,
    private readonly reports: PaymentReports,
  ) {}

  async run(paymentId: string, cause: 'webhook' | 'sync' | 'staff'): Promise<void> {
    const row = await this.payments.findRow(paymentId);
    if (!row || row.state !== 'processing' || !row.provider_reference || !row.connector) return;
    const connector = this.registry.get(row.connector);
    if (!connector?.capture) return;
    const result = await this.gateway.capture(row, connector);
    await this.reports.apply(
      row.id,
      {
        status: result.status,
        connector: connector.name,
        providerReference: result.providerReference,
        ...(result.failureCode ? { failureCode: result.failureCode } : {}),
      },
      cause,
      { operation: 'capture' },
    );
  }
}
