import { Injectable } from '@nestjs/common';
import type { ConnectorName } from '../contract/views';
import type { PaymentConnector } from './connector';

/**
 * The connectors this process can use, by name. The configured gateways and rails register
 * themselves at boot (connectors.factory.ts); a test may register a double with
 * `app.get(ConnectorRegistry).register(…)`. A later registration under the same name replaces
 * the earlier one.
 */
@Injectable()
export class ConnectorRegistry {
  private readonly connectors = new Map<ConnectorName, PaymentConnector>();

  register(connector: PaymentConnector): void {
    this.connectors.set(connector.name, connector);
  }

  get(name: ConnectorName): PaymentConnector | undefined {
    return this.connectors.get(name);
  }

  all(): PaymentConnector[] {
    return [...this.connectors.values()];
  }
}
