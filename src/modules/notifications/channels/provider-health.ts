import { Inject, Injectable } from '@nestjs/common';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';

/**
 * A simple circuit per provider, per process: after `failures` transient failures in a row
 * the provider is skipped for `openMs` (the next one in failover order is tried first), then
 * tried again; one success closes it. When every provider of a channel is open they are
 * still tried in order, so an outage everywhere is a retry, never a silent drop.
 */
@Injectable()
export class ProviderHealth {
  private readonly state = new Map<string, { failures: number; openUntil: number }>();

  constructor(@Inject(notificationsConfig.token) private readonly config: NotificationsConfig) {}

  healthy(provider: string, now = Date.now()): boolean {
    return (this.state.get(provider)?.openUntil ?? 0) <= now;
  }

  succeeded(provider: string): void {
    this.state.delete(provider);
  }

  failed(provider: string, now = Date.now()): void {
    const current = this.state.get(provider) ?? { failures: 0, openUntil: 0 };
    const failures = current.failures + 1;
    this.state.set(provider, { failures, openUntil: failures >= this.config.circuit.failures ? now + this.config.circuit.openMs : current.openUntil });
  }

  /** Providers in failover order, healthy ones first (each group keeps its order). */
  order<T extends { name: string }>(providers: readonly T[], now = Date.now()): T[] {
    return [...providers.filter((p) => this.healthy(p.name, now)), ...providers.filter((p) => !this.healthy(p.name, now))];
  }

  /** For the health view: providers whose circuit is open now. */
  open(now = Date.now()): string[] {
    return [...this.state.entries()].filter(([, s]) => s.openUntil > now).map(([name]) => name);
  }
}
