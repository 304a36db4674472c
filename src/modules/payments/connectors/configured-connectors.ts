import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConnectorRegistry } from './connector-registry';

/**
 * Registers the connectors this deployment configures (PAYMENTS_* variables) at boot. Nothing
 * is registered yet: the Stripe, Adyen, PayPal and bank-rail connectors add themselves here.
 */
@Injectable()
export class ConfiguredConnectors implements OnModuleInit {
  constructor(private readonly registry: ConnectorRegistry) {}

  onModuleInit(): void {
    void this.registry;
  }
}
