import 'reflect-metadata';
import { createDataSource } from '../../src/platform/database/data-source';
import { UnitOfWork } from '../../src/platform/database/unit-of-work';
import { createTestDatabase, sql } from '../support/database';

describe('UnitOfWork', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let uow: UnitOfWork;
  let close: () => Promise<void>;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sql(db.url, "create table counter (id int primary key, n int not null); insert into counter values (1, 0)");
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
