import { Logger } from '@nestjs/common';
import { Metrics } from '../metrics/metrics';
import { Scheduler } from '../jobs/scheduler';
import { backoffDelay } from './backoff';
import { MemoryEngine, type Timer } from './memory.engine';
import { describeFailure, sweepJobName, WorkQueues } from './work-queues';
import type { DueWork, EngineQueue, QueueEngine, WorkJob } from './work-queue.types';

/** A timer the test fires by hand: every delay the queue asked for is visible, nothing waits on the clock. */
function manualTimer(): { timer: Timer; delays: number[]; fireAll(): void } {
  const pending: Array<() => void> = [];
  const delays: number[] = [];
  return {
    delays,
    timer: (run, ms) => {
      pending.push(run);
      delays.push(ms);
    },
    fireAll() {
      for (const run of pending.splice(0)) run();
    },
  };
}

/** Resolves once the queue has nothing waiting or running (each check yields to pending callbacks). */
async function settled(queues: WorkQueues, name: string): Promise<void> {
  for (let i = 0; i < 10_000; i++) {
    const c = await queues.counts(name);
    if (c.waiting === 0 && c.active === 0) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`queue ${name} never settled`);
}

function setup(options: { background?: boolean; random?: () => number } = {}) {
  const clock = manualTimer();
  const metrics = new Metrics();
  const scheduler = new Scheduler(metrics, options.background ?? false);
  const queues = new WorkQueues(
    new MemoryEngine({ timer: clock.timer, random: options.random ?? (() => 0.5), now: () => 1_800_000_000_000 }),
    metrics,
    scheduler,
  );
  return { queues, clock, metrics, scheduler };
}

beforeAll(() => Logger.overrideLogger(false));

describe('backoffDelay (exponential, full jitter, capped)', () => {
  const policy = { baseMs: 100, maxMs: 1000 };
  it('grows the ceiling by two per failure up to the cap', () => {
    const top = () => 0.999999999;
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, policy, top))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('is uniformly spread from zero (full jitter)', () => {
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
  });
  it('stays finite for absurd attempt counts', () => {
    expect(backoffDelay(10_000, policy, () => 0.999999999)).toBe(1000);
  });
});

describe('WorkQueues in process', () => {
  it('runs a job once and ignores an enqueue of an id already waiting', async () => {
    const { queues } = setup();
    const seen: WorkJob[] = [];
    queues.define({ name: 'fx.echo', handler: async (job) => void seen.push(job) });
    await queues.enqueue('fx.echo', 'a', { paymentId: 'p1' });
    await queues.enqueue('fx.echo', 'a', { paymentId: 'other' });
    await queues.enqueue('fx.echo', 'b', { paymentId: 'p2' });
    expect(await queues.counts('fx.echo')).toEqual({ waiting: 2, active: 0, delayed: 0, failed: 0 });
    queues.start();
    await settled(queues, 'fx.echo');
    expect(seen).toEqual([
      { id: 'a', data: { paymentId: 'p1' }, attempt: 1 },
      { id: 'b', data: { paymentId: 'p2' }, attempt: 1 },
    ]);
    // Done work leaves the queue: the same id may carry new work later.
    await queues.enqueue('fx.echo', 'a', { paymentId: 'p3' });
    await settled(queues, 'fx.echo');
    expect(seen.map((j) => j.data)).toEqual([{ paymentId: 'p1' }, { paymentId: 'p2' }, { paymentId: 'p3' }]);
  });

  it('ignores an enqueue of an id that is running', async () => {
    const { queues } = setup();
    let release!: () => void;
    let runs = 0;
    queues.define({
      name: 'fx.slow',
      handler: async () => {
        runs++;
        await new Promise<void>((r) => (release = r));
      },
    });
    queues.start();
    await queues.enqueue('fx.slow', 'x');
    expect(await queues.counts('fx.slow')).toMatchObject({ active: 1 });
    await queues.enqueue('fx.slow', 'x');
    release();
    await settled(queues, 'fx.slow');
    expect(runs).toBe(1);
  });

  it('retries with exponential backoff and full jitter, then succeeds', async () => {
    const { queues, clock } = setup({ random: () => 0.999999999 });
    const attempts: number[] = [];
    queues.define({
      name: 'fx.flaky',
      attempts: 5,
      backoff: { baseMs: 10, maxMs: 35 },
      handler: async (job) => {
        attempts.push(job.attempt);
        if (job.attempt < 4) throw new Error('provider answered 503');
      },
    });
    queues.start();
    await queues.enqueue('fx.flaky', 'j1');
    for (let round = 0; round < 3; round++) {
      await settled(queues, 'fx.flaky');
      expect(await queues.counts('fx.flaky')).toEqual({ waiting: 0, active: 0, delayed: 1, failed: 0 });
      clock.fireAll();
    }
    await settled(queues, 'fx.flaky');
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(clock.delays).toEqual([10, 20, 35]);
    expect(await queues.counts('fx.flaky')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0 });
  });

  it('dead-letters after the last attempt with a masked error, counts it, keeps the id from being enqueued again, and retries it on request', async () => {
    const { queues, clock, metrics } = setup();
    let fail = true;
    const attempts: number[] = [];
    queues.define({
      name: 'fx.poison',
      attempts: 3,
      backoff: { baseMs: 1, maxMs: 1 },
      handler: async (job) => {
        attempts.push(job.attempt);
        if (fail) throw Object.assign(new Error('card 4111 1111 1111 1111 declined'), { code: 'CARD_DECLINED' });
      },
    });
    queues.start();
    await queues.enqueue('fx.poison', 'p1', { paymentId: 'p1' });
    for (let i = 0; i < 3; i++) {
      await settled(queues, 'fx.poison');
      clock.fireAll();
    }
    await settled(queues, 'fx.poison');
    expect(attempts).toEqual([1, 2, 3]);
    const [dead, ...others] = await queues.failed('fx.poison');
    expect(others).toEqual([]);
    expect(dead).toEqual({
      id: 'p1',
      data: { paymentId: 'p1' },
      attempts: 3,
      error: 'CARD_DECLINED: card [REDACTED-PAN] declined',
      failedAt: '2027-01-15T08:00:00.000Z',
    });
    expect(await queues.counts('fx.poison')).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 1 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('skyro_work_jobs_total{queue="fx.poison",outcome="failed"} 2');
    expect(text).toContain('skyro_work_jobs_total{queue="fx.poison",outcome="dead_lettered"} 1');
    expect(text).toContain('skyro_work_queue_jobs{queue="fx.poison",state="failed"} 1');

    // A dead-lettered id is not revived by an enqueue (nor by a sweep): staff decide.
    await queues.enqueue('fx.poison', 'p1');
    await settled(queues, 'fx.poison');
    expect(attempts).toEqual([1, 2, 3]);

    fail = false;
    await queues.retry('fx.poison', 'p1');
    await settled(queues, 'fx.poison');
    expect(attempts).toEqual([1, 2, 3, 1]);
    expect(await queues.failed('fx.poison')).toEqual([]);
    await expect(queues.retry('fx.poison', 'p1')).rejects.toMatchObject({ code: 'DEAD_LETTERED_JOB_NOT_FOUND' });
    await expect(queues.retry('fx.nope', 'p1')).rejects.toMatchObject({ code: 'WORK_QUEUE_NOT_FOUND' });
  });

  it('runs no more jobs at once than its concurrency', async () => {
    const { queues } = setup();
    let running = 0;
    let peak = 0;
    queues.define({
      name: 'fx.parallel',
      concurrency: 3,
      handler: async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setImmediate(r));
        running--;
      },
    });
    queues.start();
    for (let i = 0; i < 20; i++) await queues.enqueue('fx.parallel', `j${i}`);
    await settled(queues, 'fx.parallel');
    expect(peak).toBe(3);
  });

  it('sweeps what PostgreSQL says is due back into the queue, leaving queued ids alone', async () => {
    const { queues, scheduler } = setup();
    const done: string[] = [];
    let due: DueWork[] = [];
    queues.define({ name: 'fx.swept', handler: async (job) => void done.push(job.id), sweep: { everyMs: 60_000, due: async () => due } });
    await queues.enqueue('fx.swept', 'a');
    due = [
      { id: 'a', data: null },
      { id: 'b', data: { n: 2 } },
    ];
    await scheduler.runNow(sweepJobName('fx.swept'));
    expect(await queues.counts('fx.swept')).toMatchObject({ waiting: 2 });
    queues.start();
    await settled(queues, 'fx.swept');
    expect(done.sort()).toEqual(['a', 'b']);
  });

  it('starts no worker until started, and none after stop', async () => {
    const { queues } = setup();
    let runs = 0;
    queues.define({ name: 'fx.idle', handler: async () => void runs++ });
    await queues.enqueue('fx.idle', 'a');
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(0);
    queues.start();
    await settled(queues, 'fx.idle');
    await queues.stop();
    await queues.enqueue('fx.idle', 'b');
    await new Promise((r) => setImmediate(r));
    expect(runs).toBe(1);
    expect(await queues.counts('fx.idle')).toMatchObject({ waiting: 1 });
  });

  it('resumes a job whose backoff ended while the workers were stopped', async () => {
    const { queues, clock } = setup();
    const attempts: number[] = [];
    queues.define({
      name: 'fx.resume',
      backoff: { baseMs: 1, maxMs: 1 },
      handler: async (job) => {
        attempts.push(job.attempt);
        if (job.attempt === 1) throw new Error('first try fails');
      },
    });
    queues.start();
    await queues.enqueue('fx.resume', 'r');
    await settled(queues, 'fx.resume');
    await queues.stop();
    clock.fireAll();
    expect(await queues.counts('fx.resume')).toMatchObject({ waiting: 1, delayed: 0 });
    queues.start();
    await settled(queues, 'fx.resume');
    expect(attempts).toEqual([1, 2]);
  });

  it('refuses bad definitions and ids', async () => {
    const { queues } = setup();
    expect(() => queues.define({ name: 'NoDot', handler: async () => undefined })).toThrow('<context>.<work>');
    expect(() => queues.define({ name: 'fx.bad', attempts: 0, handler: async () => undefined })).toThrow('attempts');
    queues.define({ name: 'fx.ok', handler: async () => undefined });
    expect(() => queues.define({ name: 'fx.ok', handler: async () => undefined })).toThrow('twice');
    await expect(queues.enqueue('fx.ok', 'has space')).rejects.toThrow('job id');
  });

  it('does not fail the caller when the queue is away after its commit: counts the miss and answers false', async () => {
    const metrics = new Metrics();
    let add: () => Promise<void> = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }));
    const away: EngineQueue = {
      add: () => add(),
      startWorker: () => undefined,
      stopWorker: async () => undefined,
      deadLettered: async () => [],
      retry: async () => false,
      counts: async () => ({ waiting: 0, active: 0, delayed: 0, failed: 0 }),
    };
    const engine: QueueEngine = { kind: 'bullmq', open: () => away, close: async () => undefined };
    const queues = new WorkQueues(engine, metrics, new Scheduler(metrics, false), { enqueueTimeoutMs: 20 });
    queues.define({ name: 'fx.away', handler: async () => undefined });
    await expect(queues.enqueue('fx.away', 'a')).resolves.toBe(false);
    add = () => new Promise(() => undefined); // Redis that never answers
    await expect(queues.enqueue('fx.away', 'b')).resolves.toBe(false);
    add = async () => undefined;
    await expect(queues.enqueue('fx.away', 'c')).resolves.toBe(true);
    expect(await metrics.registry.metrics()).toContain('skyro_work_enqueue_failures_total{queue="fx.away"} 2');
    // Programming errors still throw.
    await expect(queues.enqueue('fx.unknown', 'a')).rejects.toMatchObject({ code: 'WORK_QUEUE_NOT_FOUND' });
    await expect(queues.enqueue('fx.away', 'd', { amount: 1n })).rejects.toThrow(TypeError);
  });

  it('describes failures without stacks, masked and shortened', () => {
    expect(describeFailure(new Error('mail alice@example.com failed'))).toBe('mail [REDACTED-EMAIL] failed');
    expect(describeFailure('x'.repeat(800))).toHaveLength(500);
  });
});
