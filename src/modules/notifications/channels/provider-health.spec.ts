import type { NotificationsConfig } from '../notifications.config';
import { ProviderHealth } from './provider-health';

describe('ProviderHealth', () => {
  const health = new ProviderHealth({ circuit: { failures: 3, openMs: 1000 } } as NotificationsConfig);
  const providers = [{ name: 'primary' }, { name: 'secondary' }];

  it('skips a provider after consecutive failures until its circuit closes again, and keeps trying all when all are open', () => {
    health.failed('primary', 0);
    health.failed('primary', 0);
    expect(health.order(providers, 0).map((p) => p.name)).toEqual(['primary', 'secondary']);
    health.failed('primary', 0);
    expect(health.open(10)).toEqual(['primary']);
    expect(health.order(providers, 10).map((p) => p.name)).toEqual(['secondary', 'primary']);
    expect(health.order(providers, 1001).map((p) => p.name)).toEqual(['primary', 'secondary']);
    for (let i = 0; i < 3; i++) health.failed('secondary', 10);
    expect(health.order(providers, 20).map((p) => p.name)).toEqual(['primary', 'secondary']);
    health.succeeded('primary');
    health.succeeded('secondary');
    expect(health.open(20)).toEqual([]);
  });
});
