import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Responses of requests sent with an Idempotency-Key, per caller, for replay. */
export class IdempotencyKeys1763900000001 implements MigrationInterface {
  name = 'IdempotencyKeys1763900000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table platform.idempotency_keys (
        scope          text not null,
        key            text not null,
        request_hash   text not null,
        state          text not null check (state in ('in_progress', 'completed')),
        status_code    int,
        response_body  text,
        locked_until   timestamptz not null,
        created_at     timestamptz not null default now(),
        primary key (scope, key)
      )`);
    await q.query('create index idempotency_keys_created_at_idx on platform.idempotency_keys (created_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('drop table platform.idempotency_keys');
  }
}
