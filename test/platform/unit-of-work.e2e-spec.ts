import 'reflect-metadata';
import { createDataSource } from '@platform/database/data-source';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { createTestDatabase, sql } from '../support/database';

describe('UnitOfWork', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let uow: UnitOfWork;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(db.url, 'create table counter (id int primary key, n int not null); insert into counter values (1, 0)');
    const dataSource = createDataSource({ url: db.url, poolMax: 20, statementTimeoutMs: 10_000 });
    await dataSource.initialize();
    uow = new UnitOfWork(dataSource);
    close = () => dataSource.destroy();
  });
  afterAll(async () => {
    await close?.();
    await db?.drop();
  });

  it('retries serialization failures inside, never surfacing them', async () => {
    // 20 concurrent read-modify-write transactions at SERIALIZABLE: most collide and retry.
    await Promise.all(
      Array.from({ length: 20 }, () =>
        uow.run(
          async (tx) => {
            const { rows } = await tx.query<{ n: number }>('select n from counter where id = 1');
            await new Promise((r) => setTimeout(r, 5));
            await tx.query('update counter set n = $1 where id = 1', [rows[0]!.n + 1]);
          },
          { isolation: 'SERIALIZABLE', maxAttempts: 50 },
        ),
      ),
    );
    expect(await sql(db.url, 'select n from counter')).toEqual([{ n: 20 }]);
  });

  it('runs at read committed by default, even where the server defaults to another level, and at the level asked for', async () => {
    // A transaction begins with START TRANSACTION alone: the session pins read committed (data-source.ts).
    const other = await createTestDatabase();
    try {
      await sql(other.url, `alter database ${new URL(other.url).pathname.slice(1)} set default_transaction_isolation = 'serializable'`);
      const dataSource = createDataSource({ url: other.url, poolMax: 2, statementTimeoutMs: 10_000 });
      await dataSource.initialize();
      try {
        const work = new UnitOfWork(dataSource);
        const level = (options?: Parameters<UnitOfWork['run']>[1]) =>
          work.run(async (tx) => (await tx.query<{ level: string }>("select current_setting('transaction_isolation') as level")).rows[0]!.level, options);
        expect(await level()).toBe('read committed');
        expect(await level({ isolation: 'REPEATABLE READ' })).toBe('repeatable read');
        expect(await level({ isolation: 'SERIALIZABLE' })).toBe('serializable');
        expect(await level()).toBe('read committed');
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await other.drop();
    }
  });

  it('rolls back everything on error and runs after-commit callbacks only on commit', async () => {
    const calls: string[] = [];
    await expect(
      uow.run(async (tx) => {
        await tx.query('update counter set n = 999 where id = 1');
        tx.afterCommit(() => calls.push('rolled-back'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await uow.run(async (tx) => {
      tx.afterCommit(() => calls.push('committed'));
    });
    expect(await sql(db.url, 'select n from counter')).toEqual([{ n: 20 }]);
    expect(calls).toEqual(['committed']);
  });
});

describe('the app role', () => {
  it('runs the app as skyro_app, which append-only tables refuse to update or delete', async () => {
    const db = await createTestDatabase();
    const dataSource = createDataSource({ url: db.url, poolMax: 2, statementTimeoutMs: 10_000, role: 'skyro_app' });
    await dataSource.initialize();
    try {
      expect(await dataSource.query('select current_user')).toEqual([{ current_user: 'skyro_app' }]);
      await dataSource.query(`insert into platform.dead_letters (consumer, event_id, topic, event_type, payload, error, attempts)
                              values ('c', gen_random_uuid(), 't', 'e', '{}', 'x', 1)`);
      await expect(dataSource.query('update platform.dead_letters set attempts = 2')).rejects.toThrow(/permission denied/);
      await expect(dataSource.query('delete from platform.dead_letters')).rejects.toThrow(/permission denied/);
      await expect(dataSource.query('create table platform.sneaky (x int)')).rejects.toThrow(/permission denied/);
    } finally {
      await dataSource.destroy();
      await db.drop();
    }
  });
});
