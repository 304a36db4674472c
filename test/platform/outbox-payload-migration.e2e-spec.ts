import 'reflect-metadata';
import { CONTEXTS } from '@modules';
import { createDataSource } from '@platform/database/data-source';
import { planDatabases } from '@platform/database/databases';
import { revertLastMigration, runMigrations } from '@platform/database/migrate';
import { createTestDatabase, sql } from '../support/database';

/**
 * Databases migrated before outbox payloads became text keep jsonb outboxes (with a unique
 * event_id) until the OutboxPayloadText migration converts them, pending events included.
 */
describe('migration: outbox payloads as text', () => {
  it('converts outboxes created as jsonb, keeps their pending events, and reverts', async () => {
    const db = await createTestDatabase();
    const dataSource = createDataSource({ url: db.url, poolMax: 2, statementTimeoutMs: 0, migrations: planDatabases(db.url, CONTEXTS, {})[0]!.migrations });
    await dataSource.initialize();
    const payloadTypes = () =>
      sql<{ table_schema: string; data_type: string }>(
        db.url,
        `select table_schema, data_type from information_schema.columns where table_name = 'outbox' and column_name = 'payload' order by 1`,
      );
    try {
      const migrated = await payloadTypes();
      expect(migrated.map((r) => r.table_schema)).toEqual(expect.arrayContaining(['accounts', 'identity', 'ledger']));
      expect(new Set(migrated.map((r) => r.data_type))).toEqual(new Set(['text']));

      // Back to the old shape, as a database migrated by the previous release had it
      // (first every later migration, of any context, then the one under test).
      const last = async () => (await sql<{ name: string }>(db.url, 'select name from public.schema_migrations order by id desc limit 1'))[0]!.name;
      while ((await last()) !== 'OutboxPayloadText1763900300000') await revertLastMigration(dataSource);
      expect(await sql(db.url, `select to_regclass('platform.bus_commands') as t`)).toEqual([{ t: null }]);
      await revertLastMigration(dataSource);
      expect(new Set((await payloadTypes()).map((r) => r.data_type))).toEqual(new Set(['jsonb']));
      const envelope = { id: '0193a5f0-8e3b-7cc1-b6a2-3c1f2d9e4a01', type: 'ledger.transfer-created.v1', data: { amount: '42', note: 'a "quoted" note' } };
      await sql(
        db.url,
        `insert into ledger.outbox (event_id, topic, event_type, aggregate_id, payload) values ($1, 'transactions.created', $2, 'agg', $3::jsonb)`,
        [envelope.id, envelope.type, JSON.stringify(envelope)],
      );
      await expect(
        sql(db.url, `insert into ledger.outbox (event_id, topic, event_type, aggregate_id, payload) values ($1, 't', 't', 'a', '{}')`, [envelope.id]),
      ).rejects.toThrow(/duplicate key/);

      await runMigrations(dataSource);
      expect(new Set((await payloadTypes()).map((r) => r.data_type))).toEqual(new Set(['text']));
      const [row] = await sql<{ payload: string }>(db.url, 'select payload from ledger.outbox where event_id = $1', [envelope.id]);
      expect(typeof row!.payload).toBe('string');
      expect(JSON.parse(row!.payload)).toEqual(envelope);
      // event_id is no longer unique: ids are generated per append, consumers dedupe in their inbox.
      await sql(db.url, `insert into ledger.outbox (event_id, topic, event_type, aggregate_id, payload) values ($1, 't', 't', 'a', '{}')`, [envelope.id]);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
