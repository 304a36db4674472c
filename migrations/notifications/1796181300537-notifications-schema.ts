import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/** The notifications context's schema (with its outbox and inbox) and its messages. */
export class NotificationsSchema1796181300537 implements MigrationInterface {
  name = 'NotificationsSchema1796181300537';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'notifications');
    await q.query(`
      create table notifications.messages (
        id          uuid primary key,
        name        text not null,
        created_at  timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'notifications');
  }
}
