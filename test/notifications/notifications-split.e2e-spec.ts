import { Module } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { accountsContext } from '@modules/accounts/accounts.context';
import { identityContext } from '@modules/identity/identity.context';
import { ledgerContext } from '@modules/ledger/ledger.context';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { CreateMessageCommand, GetMessageQuery } from '@modules/notifications/contract';
import { defineContext } from '@platform/context-definition';
import { newId } from '@shared-kernel';
import { kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';

/** A context that uses notifications's contract and runs in another process than notifications. */
@Module({})
class CallerModule {}
const caller = defineContext({ name: 'notifications_caller', module: CallerModule, dependsOn: ['notifications'] });

/*
 * notifications lifted into its own process (MODULES=notifications, as its own deployment would run it):
 * a process that runs only its caller sends the same commands and queries on its buses, and
 * they travel over Kafka to the owner and back.
 */
describe('notifications in its own process', () => {
  const prefix = kafkaPrefix('notifications-split');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let owner: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The contexts notifications depends on run elsewhere (reached over Kafka when asked).
    owner = await startTestApp({
      contexts: [notificationsContext],
      available: [identityContext, ledgerContext, accountsContext, notificationsContext],
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'notifications' },
    });
    other = await startTestApp({ contexts: [caller], available: [caller, notificationsContext], databaseUrl: db.url, kafkaTopicPrefix: prefix });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([other?.close(), owner?.close()]);
    await db?.drop();
  });

  it('answers commands and queries sent from another process over Kafka', async () => {
    const id = newId();
    const created = await other.app.get(CommandBus).execute(new CreateMessageCommand({ message: { id, name: 'Remote' } }));
    expect(created).toEqual({ id, name: 'Remote', createdAt: expect.any(String) });
    expect(await other.app.get(QueryBus).execute(new GetMessageQuery({ id }))).toEqual(created);
    expect(await other.app.get(QueryBus).execute(new GetMessageQuery({ id: newId() }))).toBeNull();
  });

  it("raises the owner's errors again on the caller's side, by code", async () => {
    const id = newId();
    await other.app.get(CommandBus).execute(new CreateMessageCommand({ message: { id, name: 'First' } }));
    await expect(other.app.get(CommandBus).execute(new CreateMessageCommand({ message: { id, name: 'Second' } }))).rejects.toMatchObject({
      code: 'NOTIFICATION_MESSAGE_EXISTS_WITH_DIFFERENT_FIELDS',
    });
  });
});
