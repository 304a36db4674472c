import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { v5 as uuidv5 } from 'uuid';
import { canonicalJson, ConflictError } from '@shared-kernel';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { Outbox } from '@platform/messaging/outbox';
import { CreateOrderCommand, OrderCreatedV1, type NewOrder, type OrderView } from '@modules/orders/contract';
import { totalOf, TotalOutOfRange } from '@modules/orders/domain/order';
import { skuRepeated, totalOutOfRange } from '@modules/orders/domain/order-errors';
import { OrderRepository, type NewOrderRow, type OrderRecord } from '@modules/orders/infrastructure/order.repository';
import { PayerAccount } from '../payer-account/payer-account';

/** Namespace of the ids of orders created over HTTP (UUIDv5 of owner and Idempotency-Key). */
const ORDER_ID_NAMESPACE = 'b7f0d2a4-3c61-4e0f-9a58-1d2e6c7b8f90';

/** The order id a create with this key gets: the same on every retry, another for another owner. */
export const orderIdFor = (ownerId: string, idempotencyKey: string): string => uuidv5(`${ownerId}:${idempotencyKey}`, ORDER_ID_NAMESPACE);

/** Line totals and the order total, computed here and never taken from the client. */
export function pricedItems(items: NewOrder['items']): { items: OrderRecord['items']; total: bigint } {
  const seen = new Set<string>();
  items.forEach(({ sku }, index) => {
    if (seen.has(sku)) throw skuRepeated(index);
    seen.add(sku);
  });
  const priced = items.map((i) => ({ sku: i.sku, name: i.name, quantity: i.quantity, unitPrice: BigInt(i.unitPrice) }));
  try {
    return { items: priced, total: totalOf(priced) };
  } catch (error) {
    if (error instanceof TotalOutOfRange) throw totalOutOfRange(error.index);
    throw error;
  }
}

/**
 * Creates a draft order and appends OrderCreatedV1 in the same transaction. The account
 * must be the owner's (404 otherwise), active and in the order currency. The id is the
 * caller's: a repeat with the same fields answers the stored order and publishes nothing.
 */
@CommandHandler(CreateOrderCommand)
export class CreateOrderCommandHandler implements ICommandHandler<CreateOrderCommand, OrderView> {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly repository: OrderRepository,
    private readonly outbox: Outbox,
    private readonly payer: PayerAccount,
  ) {}

  async execute({ id, ownerId, order: wanted }: CreateOrderCommand): Promise<OrderView> {
    const { items, total } = pricedItems(wanted.items);
    const row = { id, ownerId, accountId: wanted.accountId, currency: wanted.currency, total, reference: wanted.reference ?? null, items };
    // A retry answers the order it created, even if the account has changed since.
    const existing = await this.repository.record(id);
    if (existing) return this.same(existing, row);
    await this.payer.assertPayable(ownerId, wanted.accountId, wanted.currency);
    return this.uow.run(async (tx) => {
      const created = await this.repository.insert(tx, row);
      if (!created) return this.same((await this.repository.lock(tx, id))!, row, tx);
      const view = (await this.repository.view(id, tx))!;
      await this.outbox.append(tx, 'orders', [OrderCreatedV1(id, { order: view })]);
      return view;
    });
  }

  private async same(stored: OrderRecord, wanted: NewOrderRow, tx?: Tx): Promise<OrderView> {
    if (fingerprint(stored) !== fingerprint(wanted))
      throw new ConflictError('ORDER_EXISTS_WITH_DIFFERENT_FIELDS', `order ${stored.id} exists with other fields`);
    return (await this.repository.view(stored.id, tx))!;
  }
}

/** What a create asked for (the items as created: a later change of a draft's items is not another create). */
function fingerprint(o: Pick<OrderRecord, 'ownerId' | 'accountId' | 'currency' | 'reference'>): string {
  return canonicalJson({ ownerId: o.ownerId, accountId: o.accountId, currency: o.currency, reference: o.reference });
}
