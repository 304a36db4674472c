import { Logger } from '@nestjs/common';
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type Redis from 'ioredis';
import { markFault } from '../faults/infrastructure-fault';
import { backoffDelay } from './backoff';
import type { DeadLetteredJob, EngineQueue, QueueCounts, QueueEngine, ResolvedDefinition, WorkJob } from './work-queue.types';

/** The custom backoff type BullMQ looks up in the worker's settings (see startWorker). */
const JITTER_BACKOFF = 'skyro-full-jitter';

/** What BullModule.forRoot holds (the platform's connection and key prefix). */
export interface BullConnection {
  readonly connection: ConnectionOptions;
  readonly prefix: string;
}

/**
 * The queues on Redis through BullMQ. The deployment's REDIS_KEY_PREFIX leads BullMQ's
 * prefix, so deployments and test apps sharing one Redis never see each other's jobs.
 * Two connections: the workers' (BullMQ requires it to retry forever, and each worker opens
 * its own blocking one from it), and the producer's for adds, counts and retries, which
 * gives up after two reconnection attempts like the cache does — an enqueue after a commit
 * or a staff page must fail fast when Redis is away, not hang (the sweeper covers the enqueue).
 */
export class BullEngine implements QueueEngine {
  readonly kind = 'bullmq' as const;
  private readonly queues: BullQueue[] = [];
  private readonly producer: Redis;

  constructor(private readonly bull: BullConnection) {
    this.producer = (bull.connection as Redis).duplicate({ lazyConnect: true, maxRetriesPerRequest: 2 });
  }

  open(definition: ResolvedDefinition): EngineQueue {
    const queue = new BullQueue(definition, this.bull, this.producer);
    this.queues.push(queue);
    return queue;
  }

  async close(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close()));
    await Promise.all([this.producer, this.bull.connection as Redis].map(quit));
  }
}

async function quit(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'wait') return client.disconnect();
  await client.quit().then(
    () => undefined,
    () => client.disconnect(),
  );
}

/** Whatever Redis did not answer is an infrastructure fault (503 on the staff routes, a logged miss on enqueue). */
function redisFault(error: unknown): never {
  throw markFault(error, 'cache');
}

class BullQueue implements EngineQueue {
  private readonly logger: Logger;
  private queueInstance?: Queue;
  private worker?: Worker;

  constructor(
    private readonly definition: ResolvedDefinition,
    private readonly bull: BullConnection,
    private readonly producer: Redis,
  ) {
    this.logger = new Logger(`WorkQueue ${definition.name}`);
  }

  /** Made on first use: defining a queue (onModuleInit) must not need Redis (openapi.json is written offline). */
  private get queue(): Queue {
    if (!this.queueInstance) {
      this.queueInstance = new Queue(this.definition.name, {
        connection: this.producer,
        prefix: this.bull.prefix,
        defaultJobOptions: {
          attempts: this.definition.attempts,
          backoff: { type: JITTER_BACKOFF },
          // Completed jobs leave, so the id can be enqueued again for new work; dead-lettered
          // ones stay in the failed set until retried. No stack traces: only the masked message.
          removeOnComplete: true,
          removeOnFail: false,
          stackTraceLimit: 0,
        },
      });
      this.queueInstance.on('error', (err) => this.logger.warn({ err: { message: err.message } }, 'queue connection error'));
    }
    return this.queueInstance;
  }

  async add(id: string, data: unknown): Promise<void> {
    // An existing job id (waiting, active, delayed or failed) makes BullMQ ignore the add.
    await this.queue.add(this.definition.name, data ?? null, { jobId: id }).catch(redisFault);
  }

  startWorker(run: (job: WorkJob) => Promise<void>): void {
    if (this.worker) return;
    const { backoff } = this.definition;
    this.worker = new Worker(
      this.definition.name,
      async (job: Job) => {
        await run({ id: job.id!, data: job.data, attempt: job.attemptsMade + 1 });
      },
      {
        connection: this.bull.connection,
        prefix: this.bull.prefix,
        concurrency: this.definition.concurrency,
        settings: { backoffStrategy: (failures: number) => backoffDelay(failures, backoff) },
      },
    );
    this.worker.on('error', (err) => this.logger.warn({ err: { message: err.message } }, 'worker error'));
  }

  async stopWorker(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close(); // waits for the jobs it runs
  }

  async deadLettered(limit: number): Promise<DeadLetteredJob[]> {
    const jobs = await this.queue.getFailed(0, Math.max(0, limit - 1)).catch(redisFault);
    return jobs.map((job) => ({
      id: job.id!,
      data: job.data as unknown,
      attempts: job.attemptsMade,
      error: job.failedReason ?? '',
      failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
    }));
  }

  async retry(id: string): Promise<boolean> {
    const job = await this.queue.getJob(id).catch(redisFault);
    if (!job || (await job.getState().catch(redisFault)) !== 'failed') return false;
    try {
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    } catch {
      // Another pod (or click) retried it first: it is no longer in the failed set.
      return false;
    }
  }

  async counts(): Promise<QueueCounts> {
    const c = await this.queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed').catch(redisFault);
    return { waiting: (c['wait'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0, delayed: c['delayed'] ?? 0, failed: c['failed'] ?? 0 };
  }

  async close(): Promise<void> {
    await this.stopWorker();
    await this.queueInstance?.close();
  }
}
