import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { BeneficiaryCipher } from '../beneficiaries/beneficiary-cipher';
import { ConnectorRegistry } from '../connectors/connector-registry';
import { paymentsConfig, type PaymentsConfig } from '../payments.config';
import { BankRailConnector } from './bank-rail.connector';
import { RailPayoutRepository } from './rail-payout.repository';
import type { Rail } from './validation/bank-details';

/**
 * Registers a BankRailConnector for each rail this deployment configures (block "rails" of
 * payments.config.ts) in the connector registry at boot, as ConfiguredConnectors does for the
 * gateways; a rail without its originator settings is not registered, so the router never
 * offers it. The file and settlement jobs and the staff routes reach the connectors here.
 */
@Injectable()
export class BankRails implements OnModuleInit {
  private readonly logger = new Logger('BankRails');
  private readonly connectors = new Map<Rail, BankRailConnector>();

  constructor(
    private readonly registry: ConnectorRegistry,
    private readonly repository: RailPayoutRepository,
    private readonly cipher: BeneficiaryCipher,
    private readonly clock: Clock,
    @Inject(paymentsConfig.token) private readonly config: PaymentsConfig,
  ) {}

  onModuleInit(): void {
    const { configured, originators } = this.config.rails;
    for (const rail of configured) {
      const connector = new BankRailConnector(rail, this.repository, this.cipher, originators, () => new Date(this.clock.now()));
      this.connectors.set(rail, connector);
      this.registry.register(connector);
    }
    if (configured.length > 0) this.logger.log(`bank rails: ${configured.join(', ')}`);
  }

  get(rail: Rail): BankRailConnector | undefined {
    return this.connectors.get(rail);
  }

  all(): BankRailConnector[] {
    return [...this.connectors.values()];
  }
}
