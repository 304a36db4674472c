import type { MigrationInterface, QueryRunner } from 'typeorm';
import { createContextSchema, dropContextSchema } from '@platform/database/context-schema';

/** The orders context's schema (with its outbox and inbox) and its orders. */
export class OrdersSchema1796195362011 implements MigrationInterface {
  name = 'OrdersSchema1796195362011';

  async up(q: QueryRunner): Promise<void> {
    await createContextSchema(q, 'orders');
    await q.query(`
      create table orders.orders (
        id          uuid primary key,
        name        text not null,
        created_at  timestamptz not null default now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropContextSchema(q, 'orders');
  }
}
