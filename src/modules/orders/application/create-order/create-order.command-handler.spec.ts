import type { Tx, UnitOfWork } from '@platform/database/unit-of-work';
import type { Outbox } from '@platform/messaging/outbox';
import { ConflictError, newId, type IntegrationEvent } from '@shared-kernel';
import { CreateOrderCommand, OrderCreatedV1, type OrderView } from '@modules/orders/contract';
import type { OrderRepository } from '@modules/orders/infrastructure/order.repository';
import { CreateOrderCommandHandler } from './create-order.command-handler';

/** Transactions that commit unless their work throws; each one a distinct object. */
class FakeUnitOfWork implements Pick<UnitOfWork, 'run'> {
  readonly committed: Tx[] = [];

  async run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const tx = { label: `tx ${this.committed.length + 1}` } as unknown as Tx;
    const result = await work(tx);
    this.committed.push(tx);
    return result;
  }
}

/** Orders in memory, remembering the transaction of each insert. */
class FakeOrderRepository implements Pick<OrderRepository, 'insert' | 'find'> {
  readonly rows = new Map<string, OrderView>();
  readonly inserts: Tx[] = [];

  async insert(tx: Tx, wanted: { id: string; name: string }): Promise<{ created: boolean; record: OrderView }> {
    this.inserts.push(tx);
    const existing = this.rows.get(wanted.id);
    if (existing) return { created: false, record: existing };
    const record = { ...wanted, createdAt: new Date().toISOString() };
    this.rows.set(record.id, record);
    return { created: true, record };
  }

  async find(id: string): Promise<OrderView | null> {
    return this.rows.get(id) ?? null;
  }
}

class FakeOutbox implements Pick<Outbox, 'append'> {
  readonly appended: Array<{ tx: Tx; context: string; events: readonly IntegrationEvent[] }> = [];

  async append(tx: Tx, context: string, events: readonly IntegrationEvent[]) {
    this.appended.push({ tx, context, events });
    return [];
  }
}

describe('CreateOrderCommandHandler', () => {
  let uow: FakeUnitOfWork;
  let repository: FakeOrderRepository;
  let outbox: FakeOutbox;
  let handler: CreateOrderCommandHandler;

  beforeEach(() => {
    uow = new FakeUnitOfWork();
    repository = new FakeOrderRepository();
    outbox = new FakeOutbox();
    handler = new CreateOrderCommandHandler(uow as unknown as UnitOfWork, repository as unknown as OrderRepository, outbox as unknown as Outbox);
  });

  const create = (id: string, name: string) => handler.execute(new CreateOrderCommand({ order: { id, name } }));

  it('stores the order and appends OrderCreatedV1 to the orders outbox in the same transaction', async () => {
    const id = newId();
    const created = await create(id, 'First');

    expect(created).toEqual({ id, name: 'First', createdAt: expect.any(String) });
    expect(repository.rows.get(id)).toEqual(created);
    expect(outbox.appended).toHaveLength(1);
    const [append] = outbox.appended;
    expect(append!.context).toBe('orders');
    expect(append!.events).toEqual([{ type: OrderCreatedV1.type, topic: OrderCreatedV1.topic, aggregateId: id, data: { order: created } }]);
    expect(append!.tx).toBe(repository.inserts[0]);
    expect(uow.committed).toEqual([append!.tx]);
  });

  it('answers a repeat of the same id and fields with the stored order and publishes nothing again', async () => {
    const id = newId();
    const first = await create(id, 'First');
    const again = await create(id, 'First');

    expect(again).toEqual(first);
    expect(repository.rows.size).toBe(1);
    expect(outbox.appended).toHaveLength(1);
  });

  it('refuses the same id with other fields, keeping the first order', async () => {
    const id = newId();
    const first = await create(id, 'First');

    const refused = create(id, 'Second');
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'ORDER_EXISTS_WITH_DIFFERENT_FIELDS' });
    expect(repository.rows.get(id)).toEqual(first);
    expect(outbox.appended).toHaveLength(1);
    expect(uow.committed).toHaveLength(1);
  });
});
