import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';
import { AdyenConnector } from './adyen/adyen.connector';
import { ConnectorRegistry } from './connector-registry';
import { PaypalConnector } from './paypal/paypal.connector';
import { StripeConnector } from './stripe/stripe.connector';

/**
 * Registers the gateway connectors this deployment configures (PAYMENTS_STRIPE_*,
 * PAYMENTS_ADYEN_*, PAYMENTS_PAYPAL_*; payments.config.ts, block "connectors") at boot. A
 * gateway whose credentials are unset is not registered. Bank-rail connectors register
 * themselves the same way (rails/bank-rails.ts, block "rails").
 */
@Injectable()
export class ConfiguredConnectors implements OnModuleInit {
  private readonly logger = new Logger('ConfiguredConnectors');

  constructor(
    private readonly registry: ConnectorRegistry,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  onModuleInit(): void {
    const { stripe, adyen, paypal } = this.config.connectors;
    if (stripe) this.registry.register(new StripeConnector(stripe));
    if (adyen) this.registry.register(new AdyenConnector(adyen));
    if (paypal) this.registry.register(new PaypalConnector(paypal));
    const names = [stripe && 'stripe', adyen && 'adyen', paypal && 'paypal'].filter(Boolean);
    if (names.length > 0) this.logger.log(`gateway connectors: ${names.join(', ')}`);
  }
}
