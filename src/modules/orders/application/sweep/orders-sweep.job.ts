import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Clock } from '@platform/clock';
import { Scheduler } from '@platform/jobs/scheduler';
import { OrderRepository } from '@modules/orders/infrastructure/order.repository';
import { ordersConfig, type OrdersConfig } from '@modules/orders/orders.config';
import { ChangeOrderStatus } from '../change-status/change-order-status';
import { PaymentActions } from '../payment-actions/payment-actions';

export const ORDERS_SWEEP_JOB = 'orders.sweep';
const BATCH = 200;

/**
 * Every ORDERS_SWEEP_INTERVAL_MS: cancels placed orders whose payment is overdue (their
 * open payments cancelled, releasing any hold), then asks payments again for every action
 * it has not answered (an outage, a crash after the commit). Idempotent: every pod runs it.
 */
@Injectable()
export class OrdersSweepJob implements OnApplicationBootstrap {
  private readonly logger = new Logger('OrdersSweepJob');

  constructor(
    private readonly repository: OrderRepository,
    private readonly orders: ChangeOrderStatus,
    private readonly actions: PaymentActions,
    private readonly scheduler: Scheduler,
    private readonly clock: Clock,
    @Inject(ordersConfig.token) private readonly config: OrdersConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.scheduler.every(ORDERS_SWEEP_JOB, this.config.sweepIntervalMs, () => this.run());
  }

  async run(): Promise<{ cancelled: number; retried: number }> {
    let cancelled = 0;
    for (const id of await this.repository.overdue(new Date(this.clock.now()), BATCH)) {
      try {
        if (await this.orders.expire(id)) cancelled++;
      } catch (err) {
        this.logger.error({ orderId: id, err }, 'overdue order not cancelled; the next run retries');
      }
    }
    const retried = await this.actions.runPending(BATCH);
    return { cancelled, retried };
  }
}
