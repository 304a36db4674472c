import type { Tx, UnitOfWork } from '@platform/database/unit-of-work';
import type { Outbox } from '@platform/messaging/outbox';
import { ConflictError, newId, type IntegrationEvent } from '@shared-kernel';
import { CreateMessageCommand, MessageCreatedV1, type MessageView } from '@modules/notifications/contract';
import type { MessageRepository } from '@modules/notifications/infrastructure/message.repository';
import { CreateMessageCommandHandler } from './create-message.command-handler';

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

/** Messages in memory, remembering the transaction of each insert. */
class FakeMessageRepository implements Pick<MessageRepository, 'insert' | 'find'> {
  readonly rows = new Map<string, MessageView>();
  readonly inserts: Tx[] = [];

  async insert(tx: Tx, wanted: { id: string; name: string }): Promise<{ created: boolean; record: MessageView }> {
    this.inserts.push(tx);
    const existing = this.rows.get(wanted.id);
    if (existing) return { created: false, record: existing };
    const record = { ...wanted, createdAt: new Date().toISOString() };
    this.rows.set(record.id, record);
    return { created: true, record };
  }

  async find(id: string): Promise<MessageView | null> {
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

describe('CreateMessageCommandHandler', () => {
  let uow: FakeUnitOfWork;
  let repository: FakeMessageRepository;
  let outbox: FakeOutbox;
  let handler: CreateMessageCommandHandler;

  beforeEach(() => {
    uow = new FakeUnitOfWork();
    repository = new FakeMessageRepository();
    outbox = new FakeOutbox();
    handler = new CreateMessageCommandHandler(uow as unknown as UnitOfWork, repository as unknown as MessageRepository, outbox as unknown as Outbox);
  });

  const create = (id: string, name: string) => handler.execute(new CreateMessageCommand({ message: { id, name } }));

  it('stores the message and appends MessageCreatedV1 to the notifications outbox in the same transaction', async () => {
    const id = newId();
    const created = await create(id, 'First');

    expect(created).toEqual({ id, name: 'First', createdAt: expect.any(String) });
    expect(repository.rows.get(id)).toEqual(created);
    expect(outbox.appended).toHaveLength(1);
    const [append] = outbox.appended;
    expect(append!.context).toBe('notifications');
    expect(append!.events).toEqual([{ type: MessageCreatedV1.type, topic: MessageCreatedV1.topic, aggregateId: id, data: { message: created } }]);
    expect(append!.tx).toBe(repository.inserts[0]);
    expect(uow.committed).toEqual([append!.tx]);
  });

  it('answers a repeat of the same id and fields with the stored message and publishes nothing again', async () => {
    const id = newId();
    const first = await create(id, 'First');
    const again = await create(id, 'First');

    expect(again).toEqual(first);
    expect(repository.rows.size).toBe(1);
    expect(outbox.appended).toHaveLength(1);
  });

  it('refuses the same id with other fields, keeping the first message', async () => {
    const id = newId();
    const first = await create(id, 'First');

    const refused = create(id, 'Second');
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({ code: 'NOTIFICATION_MESSAGE_EXISTS_WITH_DIFFERENT_FIELDS' });
    expect(repository.rows.get(id)).toEqual(first);
    expect(outbox.appended).toHaveLength(1);
    expect(uow.committed).toHaveLength(1);
  });
});
