import type { QueryRunner } from 'typeorm';
import { schemaName } from './sql-identifier';

/**
 * Every bounded context owns an outbox (events it publishes) and an inbox (event ids
 * it has handled) in its own schema. A context's first migration calls this.
 */
export function outboxTablesSql(schema: string): string[] {
  const s = schemaName(schema);
  return [
    `create table ${s}.outbox (
       id            bigint generated always as identity primary key,
       event_id      uuid not null unique,
       topic         text not null,
       event_type    text not null,
       aggregate_id  text not null,
       payload       jsonb not null,
       occurred_at   timestamptz not null default now()
     )`,
    `create table ${s}.inbox (
       consumer    text not null,
       event_id    uuid not null,
       handled_at  timestamptz not null default now(),
       primary key (consumer, event_id)
     )`,
  ];
}

export async function createOutboxTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  for (const sql of outboxTablesSql(schema)) await queryRunner.query(sql);
}

export async function dropOutboxTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = schemaName(schema);
  await queryRunner.query(`drop table if exists ${s}.inbox`);
  await queryRunner.query(`drop table if exists ${s}.outbox`);
}
