import { randomUUID } from 'node:crypto';
import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { createApp, shutdown } from '@app/bootstrap';
import { defineContext } from '@platform/context-definition';
import { contextSchemaSql } from '@platform/database/context-schema';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { Scheduler } from '@platform/jobs/scheduler';
import { Metrics } from '@platform/metrics/metrics';
import { bullPrefix } from '@platform/work-queue/work-queue.providers';
import { sweepJobName, WorkQueues } from '@platform/work-queue/work-queues';
import { PAYMENT_JOBS_CONTROLLERS, PAYMENT_JOBS_PROVIDERS } from '@modules/payments/api/payment-jobs.http-controller';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { suiteLogger } from '../support/run-logs';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';
import { serviceUrls } from '../support/services';

/*
 * The work queues on the real Redis (BullMQ): a test-only context defines queues the way a
 * context does (onModuleInit), its handlers write to a PostgreSQL table this file owns, and
 * the payments staff view is mounted in it (the payments module itself is not needed).
 */

@Injectable()
class FxWork implements OnModuleInit {
  /** One per app instance ("pod"). */
  readonly instance = randomUUID();

  constructor(
    private readonly queues: WorkQueues,
    private readonly uow: UnitOfWork,
  ) {}

  onModuleInit(): void {
    this.queues.define({
      name: 'fx_work.once',
      concurrency: 2,
      handler: async (job) => {
        await new Promise((r) => setTimeout(r, 20));
        await this.record(job.id, job.attempt, 'ok');
      },
    });
    this.queues.define({
      name: 'payments.fx_poison',
      attempts: 3,
      backoff: { baseMs: 10, maxMs: 40 },
      handler: async (job) => {
        const [flag] = (await this.uow.query<{ failing: boolean }>('select failing from fx_work.flags where name = $1', ['poison'])).rows;
        if (flag?.failing) {
          await this.record(job.id, job.attempt, 'failed');
          throw Object.assign(new Error('provider declined card 4111 1111 1111 1111'), { code: 'PROVIDER_DECLINED' });
        }
        await this.record(job.id, job.attempt, 'ok');
      },
    });
    this.queues.define({
      name: 'fx_work.swept',
      concurrency: 4,
      handler: async (job) => {
        await this.uow.run(async (tx) => {
          // Lock the row, do the work once: a second delivery finds it done.
          const { rows } = await tx.query<{ done: boolean }>('select done from fx_work.tasks where id = $1 for update', [job.id]);
          if (!rows[0] || rows[0].done) return;
          await tx.query('update fx_work.tasks set done = true where id = $1', [job.id]);
          await tx.query("insert into fx_work.runs (job_id, instance, attempt, outcome) values ($1, $2, $3, 'ok')", [job.id, this.instance, job.attempt]);
        });
      },
      // Long period: the test runs the sweep when it wants it (Scheduler.runNow), not by the clock.
      sweep: {
        everyMs: 3_600_000,
        due: async () => {
          const { rows } = await this.uow.query<{ id: string }>('select id from fx_work.tasks where not done order by id');
          return rows.map((r) => ({ id: r.id, data: { taskId: r.id } }));
        },
      },
    });
    this.queues.define({
      name: 'fx_work.slow',
      handler: async (job) => {
        await new Promise((r) => setTimeout(r, 300));
        await this.record(job.id, job.attempt, 'ok');
      },
    });
  }

  private async record(jobId: string, attempt: number, outcome: string): Promise<void> {
    await this.uow.query('insert into fx_work.runs (job_id, instance, attempt, outcome) values ($1, $2, $3, $4)', [jobId, this.instance, attempt, outcome]);
  }
}

@Module({ providers: [FxWork, ...PAYMENT_JOBS_PROVIDERS], controllers: [...PAYMENT_JOBS_CONTROLLERS] })
class FxWorkModule {}

// The staff view requires payments:review, which the payments manifest declares; payments is not run here.
const fxWork = defineContext({ name: 'fx_work', module: FxWorkModule, permissions: { 'payments:review': ['support'] } });

async function installSchema(url: string): Promise<void> {
  await sql(
    url,
    [
      ...contextSchemaSql('fx_work'),
      'create table fx_work.runs (id bigint generated always as identity, job_id text not null, instance uuid not null, attempt int not null, outcome text not null)',
      'create table fx_work.tasks (id text primary key, done boolean not null default false)',
      'create table fx_work.flags (name text primary key, failing boolean not null)',
    ].join(';\n'),
  );
}

const start = (url: string, env?: Record<string, string>) => startTestApp({ contexts: [fxWork], databaseUrl: url, redis: true, env });

async function runsOf(url: string, jobPrefix: string): Promise<Array<{ job_id: string; instance: string; attempt: number; outcome: string }>> {
  return sql(url, 'select job_id, instance::text, attempt, outcome from fx_work.runs where job_id like $1 order by id', [`${jobPrefix}%`]);
}

describe('work queues in process (no REDIS_URL)', () => {
  it('dead-letters and retries from the staff API just as on Redis', async () => {
    const db = await createTestDatabase();
    let app: TestApp | undefined;
    try {
      await installSchema(db.url);
      await sql(db.url, "insert into fx_work.flags (name, failing) values ('poison', true)");
      app = await startTestApp({ contexts: [fxWork], databaseUrl: db.url });
      const queues = app.app.get(WorkQueues);
      expect(queues.kind).toBe('memory');
      await queues.enqueue('payments.fx_poison', 'mem-1', { paymentId: 'mem-1' });
      await queues.enqueue('payments.fx_poison', 'mem-1', { paymentId: 'mem-1' });
      await eventually(
        () => queues.counts('payments.fx_poison'),
        (c) => c.failed === 1,
      );
      const support = await loginAs(app.app, randomUUID(), ['support']);
      const view = await app.http().get('/v1/admin/payments/jobs').set(bearer(support.token)).expect(200);
      expect(view.body.engine).toBe('memory');
      expect(view.body.queues[0].deadLettered).toEqual([
        expect.objectContaining({ id: 'mem-1', attempts: 3, error: 'PROVIDER_DECLINED: provider declined card [REDACTED-PAN]' }),
      ]);
      // The staff routes are in the document with their schemas and problem responses.
      const doc = (await app.http().get('/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
      };
      const list = doc.paths['/v1/admin/payments/jobs']!['get']!;
      const retry = doc.paths['/v1/admin/payments/jobs/{queue}/{id}/retry']!['post']!;
      expect([list.operationId, retry.operationId]).toEqual(['listPaymentJobQueues', 'retryPaymentJob']);
      expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
      expect(Object.keys(retry.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '404']));
      expect(retry.responses['404']!.content).toHaveProperty(['application/problem+json']);
      expect(list.responses['200']!.content).toHaveProperty(['application/json']);

      await sql(db.url, "update fx_work.flags set failing = false where name = 'poison'");
      await app.http().post('/v1/admin/payments/jobs/payments.fx_poison/mem-1/retry').set(bearer(support.token)).expect(202);
      const runs = await eventually(
        () => runsOf(db.url, 'mem-1'),
        (r) => r.length === 4,
      );
      expect(runs.map((r) => [r.attempt, r.outcome])).toEqual([
        [1, 'failed'],
        [2, 'failed'],
        [3, 'failed'],
        [1, 'ok'],
      ]);
    } finally {
      await app?.close();
      await db.drop();
    }
  });
});

describe('work queues on Redis (BullMQ)', () => {
  let db: { url: string; drop(): Promise<void> };
  let other: { url: string; drop(): Promise<void> };
  let a: TestApp;
  let b: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    db = await createTestDatabase();
    other = await createTestDatabase();
    await installSchema(db.url);
    await installSchema(other.url);
    // Two pods of one deployment: same database, so the same REDIS_KEY_PREFIX (test/support/app.ts).
    a = await start(db.url);
    b = await start(db.url);
    redis = new Redis(serviceUrls().redisUrl);
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    // The Redis is shared: remove this file's queues (only under its own prefixes).
    for (const url of [db?.url, other?.url]) {
      if (!url || !redis) continue;
      const keys = await redis.keys(`${new URL(url).pathname.slice(1)}:bull:*`);
      if (keys.length) await redis.del(...keys);
    }
    redis?.disconnect();
    await db?.drop();
    await other?.drop();
  });

  it('runs on BullMQ under the deployment prefix', async () => {
    expect(a.app.get(WorkQueues).kind).toBe('bullmq');
    expect(a.config.redisKeyPrefix).toBe(b.config.redisKeyPrefix);
    await a.app.get(WorkQueues).enqueue('fx_work.slow', 'prefix-probe');
    // BullMQ's keys sit under the deployment's own prefix, which other deployments never read.
    const keys = await redis.keys(`${a.config.redisKeyPrefix}*`);
    expect(keys.filter((k) => k.startsWith(`${a.config.redisKeyPrefix}bull:fx_work.slow:`)).length).toBeGreaterThan(0);
    await eventually(
      () => runsOf(db.url, 'prefix-probe'),
      (r) => r.length === 1,
    );
  });

  it('two pods sharing one Redis run each job once between them; enqueuing a queued id again does nothing', async () => {
    const queues = [a.app.get(WorkQueues), b.app.get(WorkQueues)];
    const ids = Array.from({ length: 60 }, (_, i) => `once-${i}`);
    // Every id enqueued by both pods, as two pods finishing the same commit path would.
    await Promise.all(ids.flatMap((id) => queues.map((q) => q.enqueue('fx_work.once', id, { n: id }))));
    const runs = await eventually(
      () => runsOf(db.url, 'once-'),
      (r) => r.length >= ids.length,
    );
    // Settle: nothing else arrives late.
    await eventually(
      () => queues[0]!.counts('fx_work.once'),
      (c) => c.waiting + c.active + c.delayed === 0,
    );
    const final = await runsOf(db.url, 'once-');
    expect(final).toHaveLength(ids.length);
    expect(new Set(final.map((r) => r.job_id)).size).toBe(ids.length);
    expect(final.every((r) => r.attempt === 1 && r.outcome === 'ok')).toBe(true);
    // Both pods took part (each job goes to whichever worker is free).
    const instances = new Set(runs.map((r) => r.instance));
    expect(instances).toEqual(new Set([a.app.get(FxWork).instance, b.app.get(FxWork).instance]));
  });

  it('dead-letters a job after its attempts (masked error, counted), shows it to staff, and retries it from the staff API', async () => {
    await sql(db.url, "insert into fx_work.flags (name, failing) values ('poison', true)");
    await a.app.get(WorkQueues).enqueue('payments.fx_poison', 'dl-1', { paymentId: 'dl-1' });
    await eventually(
      () => a.app.get(WorkQueues).counts('payments.fx_poison'),
      (c) => c.failed === 1,
    );
    const attempts = await runsOf(db.url, 'dl-1');
    expect(attempts.map((r) => [r.attempt, r.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
    ]);

    const support = await loginAs(a.app, randomUUID(), ['support']);
    const customer = await loginAs(a.app, randomUUID(), ['customer']);
    await a.http().get('/v1/admin/payments/jobs').set(bearer(customer.token)).expect(403);
    const view = await a.http().get('/v1/admin/payments/jobs?limit=10').set(bearer(support.token)).expect(200);
    expect(view.body.engine).toBe('bullmq');
    // Only the payments.* queues, never the others this process runs.
    expect(view.body.queues.map((q: { name: string }) => q.name)).toEqual(['payments.fx_poison']);
    const [queue] = view.body.queues;
    expect(queue.counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
    expect(queue.deadLettered).toEqual([
      {
        id: 'dl-1',
        data: { paymentId: 'dl-1' },
        attempts: 3,
        error: 'PROVIDER_DECLINED: provider declined card [REDACTED-PAN]',
        failedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(JSON.stringify(view.body)).not.toContain('4111');

    // A sweep or a second enqueue does not revive a dead letter: staff decide.
    await b.app.get(WorkQueues).enqueue('payments.fx_poison', 'dl-1');
    expect(await a.app.get(WorkQueues).counts('payments.fx_poison')).toMatchObject({ failed: 1, waiting: 0 });

    const metrics = await a.app.get(Metrics).registry.metrics();
    const metricsB = await b.app.get(Metrics).registry.metrics();
    // Whichever pod ran the last attempt counted the dead letter.
    expect([metrics, metricsB].some((text) => text.includes('skyro_work_jobs_total{queue="payments.fx_poison",outcome="dead_lettered"} 1'))).toBe(true);
    expect(metrics).toContain('skyro_work_queue_jobs{queue="payments.fx_poison",state="failed"} 1');

    await sql(db.url, "update fx_work.flags set failing = false where name = 'poison'");
    const retried = await a.http().post('/v1/admin/payments/jobs/payments.fx_poison/dl-1/retry').set(bearer(support.token)).expect(202);
    expect(retried.body).toEqual({ queue: 'payments.fx_poison', id: 'dl-1', state: 'waiting' });
    const after = await eventually(
      () => runsOf(db.url, 'dl-1'),
      (r) => r.length === 4,
    );
    // Fresh attempts: the retry is attempt 1 again, and it succeeded.
    expect(after[3]).toMatchObject({ attempt: 1, outcome: 'ok' });
    await eventually(
      () => a.app.get(WorkQueues).counts('payments.fx_poison'),
      (c) => c.failed === 0 && c.active === 0,
    );
    await a.http().post('/v1/admin/payments/jobs/payments.fx_poison/dl-1/retry').set(bearer(support.token)).expect(404);
    await a.http().post('/v1/admin/payments/jobs/payments.nope/dl-1/retry').set(bearer(support.token)).expect(404);
    const wrong = await a.http().post('/v1/admin/payments/jobs/fx_work.once/x/retry').set(bearer(support.token)).expect(400);
    expect(wrong.headers['content-type']).toContain('application/problem+json');
    expect(JSON.stringify(wrong.body)).toContain('queue');
    await a.http().post('/v1/admin/payments/jobs/payments.fx_poison/dl-1/retry').set(bearer(customer.token)).expect(403);
  });

  it('re-enqueues from PostgreSQL what Redis lost and what a pod never enqueued, each done once', async () => {
    const queues = [a.app.get(WorkQueues), b.app.get(WorkQueues)];
    // Workers off, so the jobs sit in Redis when it "loses" them.
    await Promise.all(queues.map((q) => q.stop()));
    const lost = Array.from({ length: 10 }, (_, i) => `lost-${i}`);
    const neverEnqueued = Array.from({ length: 5 }, (_, i) => `orphan-${i}`);
    await sql(db.url, 'insert into fx_work.tasks (id) select unnest($1::text[])', [[...lost, ...neverEnqueued]]);
    for (const id of lost) await queues[0]!.enqueue('fx_work.swept', id, { taskId: id });
    expect(await queues[0]!.counts('fx_work.swept')).toMatchObject({ waiting: lost.length });

    // Redis loses this queue (only this test's prefixed keys: the Redis is shared).
    const pattern = `${bullPrefix(a.config)}:fx_work.swept:*`;
    const keys = await redis.keys(pattern);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    expect(await queues[0]!.counts('fx_work.swept')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });

    queues.forEach((q) => q.start());
    await a.app.get(Scheduler).runNow(sweepJobName('fx_work.swept'));
    await b.app.get(Scheduler).runNow(sweepJobName('fx_work.swept')); // every pod sweeps; dedupe and the row lock keep it once
    const pending = await eventually(
      () => sql<{ n: string }>(db.url, 'select count(*)::text as n from fx_work.tasks where not done'),
      (r) => r[0]!.n === '0',
    );
    expect(pending[0]!.n).toBe('0');
    const runs = await runsOf(db.url, '');
    const swept = runs.filter((r) => r.job_id.startsWith('lost-') || r.job_id.startsWith('orphan-'));
    expect(swept.map((r) => r.job_id).sort()).toEqual([...lost, ...neverEnqueued].sort());
    // Nothing left to sweep.
    expect(await a.app.get(WorkQueues).sweep('fx_work.swept')).toBe(0);
  });

  it('keeps deployments with different prefixes apart on one Redis', async () => {
    const c = await start(other.url);
    try {
      expect(c.config.redisKeyPrefix).not.toBe(a.config.redisKeyPrefix);
      const mine = c.app.get(WorkQueues);
      await mine.stop();
      await mine.enqueue('fx_work.once', 'iso-1');
      expect(await mine.counts('fx_work.once')).toMatchObject({ waiting: 1 });
      // The first deployment's pods neither see nor run it.
      expect(await a.app.get(WorkQueues).counts('fx_work.once')).toMatchObject({ waiting: 0, active: 0 });
      // The same id is a different job in each deployment.
      await a.app.get(WorkQueues).enqueue('fx_work.once', 'iso-1');
      await eventually(
        () => runsOf(db.url, 'iso-1'),
        (r) => r.length === 1,
      );
      mine.start();
      await eventually(
        () => runsOf(other.url, 'iso-1'),
        (r) => r.length === 1,
      );
      expect((await runsOf(db.url, 'iso-1')).map((r) => r.instance)).not.toContain(c.app.get(FxWork).instance);
      expect((await runsOf(other.url, 'iso-1')).map((r) => r.instance)).toEqual([c.app.get(FxWork).instance]);
    } finally {
      await c.close();
    }
  });

  it('runs no worker in a one-off task (BACKGROUND_WORK false): what it enqueues waits in Redis for a server pod', async () => {
    // The task is built like the CLI builds it: the first pod's configuration, background off.
    const task = await createApp(a.config, { contexts: [fxWork], background: false, logger: suiteLogger() });
    await task.init();
    try {
      const queues = task.get(WorkQueues);
      const pods = [a.app.get(WorkQueues), b.app.get(WorkQueues)];
      await Promise.all(pods.map((q) => q.stop()));
      expect(await queues.enqueue('fx_work.once', 'task-1')).toBe(true);
      // The pods' workers are off and the task has none: the job waits, and a pod (never the task) runs it.
      await expect(queues.counts('fx_work.once')).resolves.toMatchObject({ waiting: 1, active: 0 });
      expect(await runsOf(db.url, 'task-1')).toEqual([]);
      pods.forEach((q) => q.start());
      const runs = await eventually(
        () => runsOf(db.url, 'task-1'),
        (r) => r.length === 1,
      );
      expect([a.app.get(FxWork).instance, b.app.get(FxWork).instance]).toContain(runs[0]!.instance);
      expect(runs[0]!.instance).not.toBe(task.get(FxWork).instance);
    } finally {
      await shutdown(task);
    }
  });

  it('lets a running job finish before the pools close on shutdown', async () => {
    const c = await start(other.url);
    await c.app.get(WorkQueues).enqueue('fx_work.slow', 'shutdown-1');
    await eventually(
      () => c.app.get(WorkQueues).counts('fx_work.slow'),
      (n) => n.active === 1,
    );
    await c.close();
    // The handler wrote after close began: the worker was stopped (and waited for) before the pool.
    expect((await runsOf(other.url, 'shutdown-1')).map((r) => r.outcome)).toEqual(['ok']);
  });
});
