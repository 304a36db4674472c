import type { QueryRunner } from 'typeorm';
import { schemaName } from '../messaging/sql-identifier';

/**
 * The database role the application runs as (SET ROLE at connect, see data-source.ts).
 * Migrations run as the owner; the app gets only what each context grants it, so an
 * append-only table can really be append-only for the app.
 */
export const APP_ROLE = 'skyro_app';

/**
 * A bounded context's schema: the schema itself, its outbox (events it publishes) and
 * inbox (event ids it has handled), and the app role's access to everything in it,
 * including tables its later migrations create. A context's first migration calls this.
 */
export function contextSchemaSql(schema: string): string[] {
  const s = schemaName(schema);
  return [
    `create schema if not exists ${s}`,
    `create table ${s}.outbox (
       id            bigint generated always as identity primary key,
       event_id      uuid not null,
       topic         text not null,
       event_type    text not null,
       aggregate_id  text not null,
       -- The envelope as JSON text, published as is: parsing it into jsonb on every
       -- insert cost 4x the insert itself and nothing queries inside it.
       payload       text not null,
       occurred_at   timestamptz not null default now()
     )`,
    `create table ${s}.inbox (
       consumer    text not null,
       event_id    uuid not null,
       handled_at  timestamptz not null default now(),
       primary key (consumer, event_id)
     )`,
    ...appRoleGrantsSql(s),
  ];
}

/** The app role may use the schema and read and write its tables (unless revoked per table). */
export function appRoleGrantsSql(schema: string): string[] {
  const s = schemaName(schema);
  return [
    `grant usage on schema ${s} to ${APP_ROLE}`,
    `grant select, insert, update, delete on all tables in schema ${s} to ${APP_ROLE}`,
    `grant usage, select on all sequences in schema ${s} to ${APP_ROLE}`,
    `alter default privileges in schema ${s} grant select, insert, update, delete on tables to ${APP_ROLE}`,
    `alter default privileges in schema ${s} grant usage, select on sequences to ${APP_ROLE}`,
  ];
}

/** Rows of these tables can be added and read by the app, never changed or removed. */
export function appendOnlySql(...tables: string[]): string[] {
  return tables.map((table) => {
    const [schema, name] = table.split('.');
    return `revoke update, delete, truncate on ${schemaName(schema!)}.${schemaName(name!)} from ${APP_ROLE}`;
  });
}

export async function createContextSchema(queryRunner: QueryRunner, schema: string): Promise<void> {
  for (const sql of contextSchemaSql(schema)) await queryRunner.query(sql);
}

export async function dropContextSchema(queryRunner: QueryRunner, schema: string): Promise<void> {
  await queryRunner.query(`drop schema if exists ${schemaName(schema)} cascade`);
}
