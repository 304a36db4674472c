import { Module } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CONTEXTS } from '@modules/index';
import { identityContext } from '@modules/identity/identity.context';
import { notificationsContext } from '@modules/notifications/notifications.context';
import { GetNotificationQuery, SendNotificationCommand, type NotificationView } from '@modules/notifications/contract';
import { defineContext } from '@platform/context-definition';
import { newId } from '@shared-kernel';
import { eventually, kafkaPrefix, startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';

/** A context that uses notifications's contract and runs in another process than notifications. */
@Module({})
class CallerModule {}
const caller = defineContext({ name: 'notifications_caller', module: CallerModule, dependsOn: ['notifications'] });

/*
 * notifications lifted into its own process (MODULES=notifications, as its own deployment would run it):
 * a process that runs its caller (and identity) sends the same commands and queries on its buses,
 * and they travel over Kafka to the owner and back; the owner's dispatcher reaches identity's
 * recipient query over Kafka the other way.
 */
describe('notifications in its own process', () => {
  const prefix = kafkaPrefix('notifications-split');
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let owner: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    owner = await startTestApp({
      contexts: [notificationsContext],
      available: CONTEXTS,
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      env: { MODULES: 'notifications', NOTIFICATIONS_DISPATCH_INTERVAL_MS: '100' },
    });
    other = await startTestApp({
      contexts: [identityContext, caller],
      available: [...CONTEXTS, caller],
      databaseUrl: db.url,
      kafkaTopicPrefix: prefix,
      // Named (not `all`), so this process serves identity's queries over Kafka to the owner.
      env: { MODULES: 'identity,notifications_caller' },
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all([other?.close(), owner?.close()]);
    await db?.drop();
  });

  const userId = newId();
  const send = (id: string, body = 'Hello') =>
    other.app
      .get(CommandBus)
      .execute(new SendNotificationCommand({ request: { id, userId, template: 'product-news', variables: { headline: 'News', body }, channels: ['in_app'] } }));

  it('answers commands and queries sent from another process over Kafka, and dispatches the message', async () => {
    const id = newId();
    const requested = await send(id);
    expect(requested).toEqual({ requestId: id, messages: [expect.objectContaining({ template: 'product-news', channel: 'in_app', status: 'queued' })] });
    const messageId = requested.messages[0]!.id;
    // The owner renders it after asking identity (in the other process) for the recipient: an unknown user still gets the in-app item.
    const delivered = await eventually(
      () => other.app.get(QueryBus).execute<GetNotificationQuery, NotificationView | null>(new GetNotificationQuery({ id: messageId })),
      (m) => m?.status === 'delivered',
    );
    expect(delivered).toMatchObject({ id: messageId, status: 'delivered', templateVersion: 1, locale: 'en' });
    expect(delivered!.timeline.map((t) => t.status)).toEqual(['queued', 'delivered']);
    expect(await other.app.get(QueryBus).execute(new GetNotificationQuery({ id: newId() }))).toBeNull();
    // The same request again answers the same messages.
    expect((await send(id)).messages.map((m: { id: string }) => m.id)).toEqual([messageId]);
  });

  it("raises the owner's errors again on the caller's side, by code", async () => {
    const id = newId();
    await send(id, 'First');
    await expect(send(id, 'Second')).rejects.toMatchObject({ code: 'NOTIFICATION_REQUEST_EXISTS_WITH_DIFFERENT_FIELDS' });
    await expect(
      other.app
        .get(CommandBus)
        .execute(new SendNotificationCommand({ request: { id: newId(), userId: newId(), template: 'no-such-template', variables: {} } })),
    ).rejects.toMatchObject({ code: 'NOTIFICATION_TEMPLATE_UNKNOWN' });
  });
});
