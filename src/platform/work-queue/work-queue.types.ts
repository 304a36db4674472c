/** One unit of work as a handler sees it: the caller's id, the ids it carries, and which attempt this is (1-based). */
export interface WorkJob {
  readonly id: string;
  readonly data: unknown;
  readonly attempt: number;
}

/** Retry delays: exponential from `baseMs`, capped at `maxMs`, with full jitter (see backoff.ts). */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

/** What the sweeper finds due in PostgreSQL: the same id and data the context enqueues after its commit. */
export interface DueWork {
  readonly id: string;
  readonly data: unknown;
}

export interface QueueDefinition {
  /** `<context>.<work>`, lower case (e.g. `payments.dispatch`); also the BullMQ queue name. */
  readonly name: string;
  readonly handler: (job: WorkJob) => Promise<void>;
  /** Runs of a job before it is dead-lettered (default 8). */
  readonly attempts?: number;
  /** Default { baseMs: 1000, maxMs: 300_000 }. */
  readonly backoff?: BackoffPolicy;
  /** Jobs one process runs at once (default 4). */
  readonly concurrency?: number;
  /**
   * The periodic re-enqueue from PostgreSQL (every pod): whatever `due()` returns is enqueued
   * again; an id already waiting, running, delayed or dead-lettered is left as it is.
   */
  readonly sweep?: { readonly everyMs: number; readonly due: () => Promise<readonly DueWork[]> };
}

export type ResolvedDefinition = Required<Omit<QueueDefinition, 'sweep'>> & Pick<QueueDefinition, 'sweep'>;

/** A job that used up its attempts: it stays here (BullMQ's failed set) until staff retry it. */
export interface DeadLetteredJob {
  readonly id: string;
  readonly data: unknown;
  /** Attempts made before it was dead-lettered. */
  readonly attempts: number;
  /** The last error, masked and shortened (no stack, no sensitive data). */
  readonly error: string;
  /** ISO 8601. */
  readonly failedAt: string;
}

export interface QueueCounts {
  readonly waiting: number;
  readonly active: number;
  /** Waiting for their backoff delay to pass. */
  readonly delayed: number;
  /** Dead-lettered. */
  readonly failed: number;
}

/** One queue in an engine (BullMQ on Redis, or in-process). */
export interface EngineQueue {
  /** Adds the job unless a job with this id is waiting, active, delayed or dead-lettered. */
  add(id: string, data: unknown): Promise<void>;
  /** Starts this process's worker; `run` throws to fail the attempt. */
  startWorker(run: (job: WorkJob) => Promise<void>): void;
  /** Stops taking jobs and waits for those running. */
  stopWorker(): Promise<void>;
  deadLettered(limit: number): Promise<DeadLetteredJob[]>;
  /** Moves a dead-lettered job back to waiting with its attempts reset; false if no such dead-lettered job. */
  retry(id: string): Promise<boolean>;
  counts(): Promise<QueueCounts>;
}

export interface QueueEngine {
  readonly kind: 'bullmq' | 'memory';
  open(definition: ResolvedDefinition): EngineQueue;
  /** After every worker stopped: closes connections. */
  close(): Promise<void>;
}
