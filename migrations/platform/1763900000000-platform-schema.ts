import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The platform's own schema: events that exhausted their retries when delivered
 * in-process (with Kafka they go to the `<topic>.dlq` topic instead).
 */
export class PlatformSchema1763900000000 implements MigrationInterface {
  name = 'PlatformSchema1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('create schema if not exists platform');
    await q.query(`
      create table platform.dead_letters (
        id          bigint generated always as identity primary key,
        consumer    text not null,
        event_id    uuid not null,
        topic       text not null,
        event_type  text not null,
        payload     jsonb not null,
        error       text not null,
        attempts    int not null,
        failed_at   timestamptz not null default now()
      )`);
    await q.query('create index dead_letters_failed_at_idx on platform.dead_letters (failed_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table platform.dead_letters');
    await q.query('drop schema platform');
  }
}
