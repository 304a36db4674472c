import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaName } from '@platform/messaging/sql-identifier';

/**
 * Outboxes created before the payload became text (see contextSchemaSql): store the
 * envelope as JSON text, published as is, and drop the unique index on event_id (event
 * ids are generated per append; consumers deduplicate through their inbox). New databases
 * already have text outboxes, so this changes nothing there.
 */
export class OutboxPayloadText1763900300000 implements MigrationInterface {
  name = 'OutboxPayloadText1763900300000';

  async up(q: QueryRunner): Promise<void> {
    for (const schema of await outboxSchemas(q, 'jsonb')) {
      await q.query(`alter table ${schemaName(schema)}.outbox alter column payload type text using payload::text`);
      await q.query(`alter table ${schemaName(schema)}.outbox drop constraint if exists outbox_event_id_key`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const schema of await outboxSchemas(q, 'text')) {
      await q.query(`alter table ${schemaName(schema)}.outbox alter column payload type jsonb using payload::jsonb`);
      await q.query(`alter table ${schemaName(schema)}.outbox add constraint outbox_event_id_key unique (event_id)`);
    }
  }
}

async function outboxSchemas(q: QueryRunner, payloadType: 'jsonb' | 'text'): Promise<string[]> {
  const rows = (await q.query(
    `select table_schema from information_schema.columns
      where table_name = 'outbox' and column_name = 'payload' and data_type = $1
      order by table_schema`,
    [payloadType],
  )) as Array<{ table_schema: string }>;
  return rows.map((r) => r.table_schema);
}
