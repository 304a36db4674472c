import { Inject, Injectable, Logger } from '@nestjs/common';
import { Counter } from 'prom-client';
import { Metrics } from '../metrics/metrics';
import { BACKGROUND_WORK } from '../platform.tokens';

interface Job {
  readonly name: string;
  readonly everyMs: number;
  readonly run: () => Promise<unknown>;
  timer?: NodeJS.Timeout;
  inFlight?: Promise<void>;
}

/**
 * Periodic background jobs of the modules (expiring holds, reconciliation, interest).
 * A job never overlaps itself; failures are logged and counted, and the job runs again at
 * its next tick. Jobs must be idempotent: every pod runs them. Stopped at shutdown before
 * the relay flushes and connections close.
 */
@Injectable()
export class Scheduler {
  private readonly logger = new Logger('Scheduler');
  private readonly jobs: Job[] = [];
  private readonly runs: Counter<'job' | 'outcome'>;
  private stopped = false;

  constructor(metrics: Metrics, @Inject(BACKGROUND_WORK) background: boolean) {
    // A one-off task (the CLI) registers the modules' jobs but never runs them on a timer.
    this.stopped = !background;
    this.runs = new Counter({
      name: 'skyro_job_runs_total',
      help: 'Background job runs by outcome',
      labelNames: ['job', 'outcome'],
      registers: [metrics.registry],
    });
  }

  every(name: string, everyMs: number, run: () => Promise<unknown>): void {
    const job: Job = { name, everyMs, run };
    this.jobs.push(job);
    if (!this.stopped) this.schedule(job);
  }

  /** Runs a job now (for tests and admin triggers), waiting for a run already under way. */
  async runNow(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    await job.inFlight;
    await this.execute(job);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const job of this.jobs) clearTimeout(job.timer);
    await Promise.all(this.jobs.map((j) => j.inFlight ?? Promise.resolve()));
  }

  private schedule(job: Job): void {
    job.timer = setTimeout(() => {
      void this.execute(job).finally(() => {
        if (!this.stopped) this.schedule(job);
      });
    }, job.everyMs);
    job.timer.unref();
  }

  private execute(job: Job): Promise<void> {
    job.inFlight = (async () => {
      try {
        await job.run();
        this.runs.inc({ job: job.name, outcome: 'ok' });
      } catch (error) {
        this.runs.inc({ job: job.name, outcome: 'failed' });
        this.logger.error({ job: job.name, err: error }, 'background job failed');
      }
    })();
    return job.inFlight;
  }
}
