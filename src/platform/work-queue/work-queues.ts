import { Logger } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { NotFoundError } from '@shared-kernel';
import { describeFault } from '../faults/infrastructure-fault';
import type { Scheduler } from '../jobs/scheduler';
import { maskSensitive } from '../logging/sensitive-data';
import type { Metrics } from '../metrics/metrics';
import type { DeadLetteredJob, EngineQueue, QueueCounts, QueueDefinition, QueueEngine, ResolvedDefinition, WorkJob } from './work-queue.types';

const QUEUE_NAME = /^[a-z][a-z0-9_]*(\.[a-z0-9_-]+)+$/;
const JOB_ID = /^[A-Za-z0-9._:-]{1,200}$/;
const MAX_ERROR_LENGTH = 500;

export interface WorkQueuesOptions {
  /** Longest an enqueue waits for the queue before it is counted as missed (default 2000). */
  readonly enqueueTimeoutMs?: number;
}

interface Registered {
  readonly definition: ResolvedDefinition;
  readonly queue: EngineQueue;
}

/**
 * Durable work for the contexts: BullMQ on Redis when REDIS_URL is set, in-process
 * otherwise, with the same semantics (docs/work-queue.md). A context defines its queues in
 * onModuleInit and enqueues AFTER its transaction commits, with ids only: the truth stays in
 * PostgreSQL, and each queue's sweeper enqueues again what PostgreSQL says is still due, so
 * a job Redis lost, or one a pod died before enqueuing, is done anyway. Delivery is
 * at-least-once: handlers lock their row and do nothing when the work is already done.
 */
export class WorkQueues {
  private readonly logger = new Logger('WorkQueues');
  private readonly queues = new Map<string, Registered>();
  private readonly outcomes: Counter<'queue' | 'outcome'>;
  private readonly swept: Counter<'queue'>;
  private readonly missed: Counter<'queue'>;
  private readonly enqueueTimeoutMs: number;
  private started = false;

  constructor(
    private readonly engine: QueueEngine,
    metrics: Metrics,
    private readonly scheduler: Scheduler,
    options: WorkQueuesOptions = {},
  ) {
    this.enqueueTimeoutMs = options.enqueueTimeoutMs ?? 2000;
    this.missed = new Counter({
      name: 'skyro_work_enqueue_failures_total',
      help: 'Enqueues that did not reach the queue (Redis unavailable); the sweeper enqueues that work again from PostgreSQL',
      labelNames: ['queue'],
      registers: [metrics.registry],
    });
    this.outcomes = new Counter({
      name: 'skyro_work_jobs_total',
      help: 'Work-queue job attempts by queue and outcome (completed, failed = will be retried, dead_lettered)',
      labelNames: ['queue', 'outcome'],
      registers: [metrics.registry],
    });
    this.swept = new Counter({
      name: 'skyro_work_swept_total',
      help: 'Jobs the sweepers handed to their queue again from PostgreSQL state (most are already queued and ignored)',
      labelNames: ['queue'],
      registers: [metrics.registry],
    });
    const queues = this.queues;
    const logger = this.logger;
    new Gauge({
      name: 'skyro_work_queue_jobs',
      help: 'Jobs in a work queue by state (waiting, active, delayed, failed = dead-lettered)',
      labelNames: ['queue', 'state'],
      registers: [metrics.registry],
      async collect() {
        this.reset();
        for (const [name, { queue }] of queues) {
          try {
            const counts = await queue.counts();
            for (const [state, n] of Object.entries(counts) as Array<[string, number]>) this.set({ queue: name, state }, n);
          } catch (error) {
            logger.warn({ queue: name, err: { message: (error as Error).message } }, 'queue depth unavailable');
          }
        }
      },
    });
  }

  get kind(): QueueEngine['kind'] {
    return this.engine.kind;
  }

  define(definition: QueueDefinition): void {
    if (!QUEUE_NAME.test(definition.name)) throw new Error(`queue name ${JSON.stringify(definition.name)} must be <context>.<work> in lower case`);
    if (this.queues.has(definition.name)) throw new Error(`queue ${definition.name} is defined twice`);
    const resolved: ResolvedDefinition = {
      name: definition.name,
      handler: definition.handler,
      attempts: definition.attempts ?? 8,
      backoff: definition.backoff ?? { baseMs: 1000, maxMs: 300_000 },
      concurrency: definition.concurrency ?? 4,
      sweep: definition.sweep,
    };
    if (!Number.isInteger(resolved.attempts) || resolved.attempts < 1) throw new Error(`queue ${definition.name}: attempts must be a positive integer`);
    if (!(resolved.backoff.baseMs >= 0 && resolved.backoff.maxMs >= resolved.backoff.baseMs))
      throw new Error(`queue ${definition.name}: backoff needs 0 <= baseMs <= maxMs`);
    if (!Number.isInteger(resolved.concurrency) || resolved.concurrency < 1)
      throw new Error(`queue ${definition.name}: concurrency must be a positive integer`);
    const registered = { definition: resolved, queue: this.engine.open(resolved) };
    this.queues.set(definition.name, registered);
    const sweep = resolved.sweep;
    // The scheduler runs nothing in a one-off task (BACKGROUND_WORK false); runNow still works.
    if (sweep) this.scheduler.every(sweepJobName(resolved.name), sweep.everyMs, () => this.sweep(resolved.name));
    if (this.started) this.startWorker(registered);
  }

  /**
   * Call after the transaction that made the work due has committed. An id already queued
   * (or dead-lettered) is left alone. Never fails the caller for the queue being away (the
   * commit has happened; the sweeper will find the work): it logs, counts and answers false.
   * An unknown queue or a malformed id is a programming error and throws.
   */
  async enqueue(name: string, id: string, data: unknown = null): Promise<boolean> {
    if (!JOB_ID.test(id)) throw new Error(`job id ${JSON.stringify(id)} must be 1-200 of A-Z a-z 0-9 . _ : -`);
    const { queue } = this.registered(name);
    const payload = JSON.stringify(data ?? null); // refuse what the queue could not store (a bigint) before anything else
    if (payload.length > 10_000) throw new Error(`job ${name}/${id}: data must be ids, not documents (${payload.length} bytes)`);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        queue.add(id, data),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer from the queue within ${this.enqueueTimeoutMs} ms`)), this.enqueueTimeoutMs);
        }),
      ]);
      return true;
    } catch (error) {
      this.missed.inc({ queue: name });
      this.logger.warn({ queue: name, jobId: id, fault: describeFault(error) }, 'enqueue missed: the sweeper will enqueue this work again');
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs a queue's sweep now (tests, admin triggers); returns how many due jobs it handed to the queue. */
  async sweep(name: string): Promise<number> {
    const { definition, queue } = this.registered(name);
    if (!definition.sweep) throw new Error(`queue ${name} has no sweep`);
    const due = await definition.sweep.due();
    for (const work of due) await queue.add(work.id, work.data);
    if (due.length) this.swept.inc({ queue: name }, due.length);
    return due.length;
  }

  names(): string[] {
    return [...this.queues.keys()].sort();
  }

  has(name: string): boolean {
    return this.queues.has(name);
  }

  async counts(name: string): Promise<QueueCounts> {
    return this.registered(name).queue.counts();
  }

  /** Dead-lettered jobs, most recent first. */
  async failed(name: string, options: { limit?: number } = {}): Promise<DeadLetteredJob[]> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 1000);
    return this.registered(name).queue.deadLettered(limit);
  }

  /** Runs a dead-lettered job again with fresh attempts; NotFoundError when the queue has no such dead-lettered job. */
  async retry(name: string, id: string): Promise<void> {
    const { queue } = this.registered(name);
    if (!(await queue.retry(id))) throw new NotFoundError('DEAD_LETTERED_JOB_NOT_FOUND', `queue ${name} has no dead-lettered job ${id}`);
  }

  /** Starts this process's workers (Lifecycle, after every module is initialised, unless BACKGROUND_WORK is false). */
  start(): void {
    this.started = true;
    for (const registered of this.queues.values()) this.startWorker(registered);
  }

  /** Stops taking jobs and waits for those running (Lifecycle, before the relay flushes and the pools close). */
  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.queues.values()].map(({ queue }) => queue.stopWorker()));
  }

  async close(): Promise<void> {
    await this.stop();
    await this.engine.close();
  }

  private startWorker({ definition, queue }: Registered): void {
    queue.startWorker(async (job: WorkJob) => {
      try {
        await definition.handler(job);
        this.outcomes.inc({ queue: definition.name, outcome: 'completed' });
      } catch (error) {
        const last = job.attempt >= definition.attempts;
        this.outcomes.inc({ queue: definition.name, outcome: last ? 'dead_lettered' : 'failed' });
        const message = describeFailure(error);
        this.logger[last ? 'error' : 'warn'](
          { queue: definition.name, jobId: job.id, attempt: job.attempt, error: message },
          last ? 'job dead-lettered' : 'job attempt failed',
        );
        // What the queue keeps (BullMQ's failedReason): the masked message, never a stack or a cause.
        throw new Error(message);
      }
    });
  }

  private registered(name: string): Registered {
    const registered = this.queues.get(name);
    if (!registered) throw new NotFoundError('WORK_QUEUE_NOT_FOUND', `no work queue ${name}`);
    return registered;
  }
}

export function sweepJobName(queue: string): string {
  return `sweep:${queue}`;
}

/** An error as a queue may keep it: its stable code if it has one, its message masked (card numbers, IBANs, e-mails) and shortened. */
export function describeFailure(error: unknown): string {
  const code = typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  const text = maskSensitive(code && !message.includes(code) ? `${code}: ${message}` : message);
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}
