import { backoffDelay } from './backoff';
import type { DeadLetteredJob, EngineQueue, QueueCounts, QueueEngine, ResolvedDefinition, WorkJob } from './work-queue.types';

/** Schedules `run` after `ms`. Tests inject one to see and fire the delays. */
export type Timer = (run: () => void, ms: number) => void;

export interface MemoryEngineOptions {
  readonly random?: () => number;
  readonly timer?: Timer;
  readonly now?: () => number;
}

const realTimer: Timer = (run, ms) => {
  setTimeout(run, ms).unref();
};

interface Entry {
  readonly id: string;
  readonly data: unknown;
  state: 'waiting' | 'active' | 'delayed' | 'failed';
  attemptsMade: number;
  error?: string;
  failedAt?: number;
}

/**
 * The queues without Redis (the embedded default, most tests): the same semantics as the
 * BullMQ engine — dedupe by id, attempts, backoff with full jitter, a dead-letter list and
 * retry from it — in this process's memory. What is lost when the process ends is what the
 * sweepers find again in PostgreSQL.
 */
export class MemoryEngine implements QueueEngine {
  readonly kind = 'memory' as const;
  constructor(private readonly options: MemoryEngineOptions = {}) {}

  open(definition: ResolvedDefinition): EngineQueue {
    return new MemoryQueue(definition, this.options.random ?? Math.random, this.options.timer ?? realTimer, this.options.now ?? Date.now);
  }

  async close(): Promise<void> {}
}

class MemoryQueue implements EngineQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly ready: string[] = [];
  private readonly running = new Set<Promise<void>>();
  private run?: (job: WorkJob) => Promise<void>;

  constructor(
    private readonly definition: ResolvedDefinition,
    private readonly random: () => number,
    private readonly timer: Timer,
    private readonly now: () => number,
  ) {}

  async add(id: string, data: unknown): Promise<void> {
    if (this.entries.has(id)) return;
    // Through JSON, as BullMQ stores it: a handler sees the same data on both engines.
    const stored: unknown = data === undefined ? null : JSON.parse(JSON.stringify(data));
    this.entries.set(id, { id, data: stored, state: 'waiting', attemptsMade: 0 });
    this.ready.push(id);
    this.pump();
  }

  startWorker(run: (job: WorkJob) => Promise<void>): void {
    this.run = run;
    this.pump();
  }

  async stopWorker(): Promise<void> {
    // Backoff timers keep running (unref'd): a job whose delay passes while stopped waits
    // for the next start instead of being stranded in `delayed`.
    this.run = undefined;
    await Promise.all(this.running);
  }

  async deadLettered(limit: number): Promise<DeadLetteredJob[]> {
    return [...this.entries.values()]
      .filter((e) => e.state === 'failed')
      .sort((a, b) => b.failedAt! - a.failedAt!)
      .slice(0, limit)
      .map((e) => ({ id: e.id, data: e.data, attempts: e.attemptsMade, error: e.error ?? '', failedAt: new Date(e.failedAt!).toISOString() }));
  }

  async retry(id: string): Promise<boolean> {
    const entry = this.entries.get(id);
    if (!entry || entry.state !== 'failed') return false;
    entry.state = 'waiting';
    entry.attemptsMade = 0;
    entry.error = undefined;
    entry.failedAt = undefined;
    this.ready.push(id);
    this.pump();
    return true;
  }

  async counts(): Promise<QueueCounts> {
    const counts = { waiting: 0, active: 0, delayed: 0, failed: 0 };
    for (const entry of this.entries.values()) counts[entry.state]++;
    return counts;
  }

  private pump(): void {
    while (this.run && this.running.size < this.definition.concurrency && this.ready.length > 0) {
      const entry = this.entries.get(this.ready.shift()!);
      if (!entry || entry.state !== 'waiting') continue;
      entry.state = 'active';
      const execution = this.execute(entry, this.run);
      this.running.add(execution);
      void execution.finally(() => {
        this.running.delete(execution);
        this.pump();
      });
    }
  }

  private async execute(entry: Entry, run: (job: WorkJob) => Promise<void>): Promise<void> {
    try {
      await run({ id: entry.id, data: entry.data, attempt: entry.attemptsMade + 1 });
      this.entries.delete(entry.id);
    } catch (error) {
      entry.attemptsMade++;
      entry.error = error instanceof Error ? error.message : String(error);
      if (entry.attemptsMade >= this.definition.attempts) {
        entry.state = 'failed';
        entry.failedAt = this.now();
        return;
      }
      entry.state = 'delayed';
      this.timer(
        () => {
          if (entry.state !== 'delayed') return;
          entry.state = 'waiting';
          this.ready.push(entry.id);
          this.pump();
        },
        backoffDelay(entry.attemptsMade, this.definition.backoff, this.random),
      );
    }
  }
}
