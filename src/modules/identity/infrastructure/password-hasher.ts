import { randomBytes } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { DomainError } from '@shared-kernel';
import { identityConfig, type IdentityConfig } from '../identity.config';

/*
 * The worker is plain JavaScript passed as source, so it runs the same under ts-node-like
 * loaders, jest and the compiled image. It uses hash-wasm's argon2id (WebAssembly): the
 * native `argon2` addon's prebuilt binary crashes on load on our build machines, and a
 * worker pool gives us the bounded concurrency we want anyway.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { argon2id, argon2Verify } = require(workerData.hashWasm);
parentPort.on('message', async (job) => {
  try {
    const result = job.op === 'hash'
      ? await argon2id({ password: job.password, salt: Buffer.from(job.salt, 'base64'), parallelism: job.p, iterations: job.t, memorySize: job.m, hashLength: 32, outputType: 'encoded' })
      : await argon2Verify({ password: job.password, hash: job.hash });
    parentPort.postMessage({ id: job.id, result });
  } catch (error) {
    parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
  }
});
`;

interface Job {
  readonly id: number;
  readonly op: 'hash' | 'verify';
  readonly password: string;
  readonly hash?: string;
  readonly salt?: string;
  readonly m?: number;
  readonly t?: number;
  readonly p?: number;
}

interface Pending {
  readonly job: Job;
  readonly resolve: (value: string | boolean) => void;
  readonly reject: (error: Error) => void;
  readonly timer?: NodeJS.Timeout;
}

/**
 * argon2id password hashing (ADR 0009) on a fixed pool of worker threads: at most
 * `workers` hashes run at once, at most `maxQueue` wait, and none waits longer than
 * `maxWaitMs`; beyond that the caller gets 503 AUTH_BUSY at once. A login flood therefore
 * costs a bounded share of the CPU and never blocks the event loop other routes run on.
 */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private readonly idle: Worker[] = [];
  private readonly workers: Worker[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Map<number, { pending: Pending; worker: Worker }>();
  private nextId = 1;
  /** A valid hash of nothing anyone knows: verifying against it costs what a real check costs. */
  private decoy?: Promise<string>;

  constructor(@Inject(identityConfig.token) private readonly config: IdentityConfig) {}

  get parameters(): { memoryKib: number; iterations: number; parallelism: number } {
    const { memoryKib, iterations, parallelism } = this.config.argon2;
    return { memoryKib, iterations, parallelism };
  }

  async hash(password: string): Promise<string> {
    const { memoryKib, iterations, parallelism } = this.parameters;
    const salt = randomBytes(16).toString('base64');
    return (await this.submit({ op: 'hash', password, salt, m: memoryKib, t: iterations, p: parallelism })) as string;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    return (await this.submit({ op: 'verify', password, hash })) as boolean;
  }

  /** Spends a verification's time on an unknown account, so timing does not tell which accounts exist. */
  async verifyDecoy(password: string): Promise<false> {
    this.decoy ??= this.hash(randomBytes(24).toString('base64'));
    await this.verify(await this.decoy, password);
    return false;
  }

  /** True when the stored hash was made with other parameters than today's (rehash on login). */
  needsRehash(hash: string): boolean {
    const { memoryKib, iterations, parallelism } = this.parameters;
    return !hash.startsWith(`$argon2id$v=19$m=${memoryKib},t=${iterations},p=${parallelism}$`);
  }

  onModuleDestroy(): Promise<void> {
    for (const pending of this.queue.splice(0)) pending.reject(new Error('shutting down'));
    return Promise.all(this.workers.map((w) => w.terminate())).then(() => undefined);
  }

  private submit(body: Omit<Job, 'id'>): Promise<string | boolean> {
    const { maxQueue, maxWaitMs } = this.config.argon2;
    return new Promise((resolve, reject) => {
      const job: Job = { ...body, id: this.nextId++ };
      const worker = this.takeWorker();
      if (worker) return this.run(worker, { job, resolve, reject });
      if (this.queue.length >= maxQueue) return reject(busy());
      const pending: Pending = {
        job,
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.queue.indexOf(pending);
          if (index >= 0) {
            this.queue.splice(index, 1);
            reject(busy());
          }
        }, maxWaitMs),
      };
      this.queue.push(pending);
    });
  }

  private takeWorker(): Worker | undefined {
    const worker = this.idle.pop();
    if (worker) return worker;
    if (this.workers.length >= this.config.argon2.workers) return undefined;
    const created = new Worker(WORKER_SOURCE, { eval: true, workerData: { hashWasm: require.resolve('hash-wasm') } });
    created.unref();
    created.on('message', (message: { id: number; result?: string | boolean; error?: string }) => this.finished(created, message));
    created.on('error', (error) => this.crashed(created, error));
    this.workers.push(created);
    return created;
  }

  private run(worker: Worker, pending: Pending): void {
    if (pending.timer) clearTimeout(pending.timer);
    this.running.set(pending.job.id, { pending, worker });
    worker.postMessage(pending.job);
  }

  private finished(worker: Worker, message: { id: number; result?: string | boolean; error?: string }): void {
    const entry = this.running.get(message.id);
    this.running.delete(message.id);
    if (entry) {
      if (message.error !== undefined) entry.pending.reject(new Error(`password hashing failed: ${message.error}`));
      else entry.pending.resolve(message.result!);
    }
    const next = this.queue.shift();
    if (next) this.run(worker, next);
    else this.idle.push(worker);
  }

  private crashed(worker: Worker, error: Error): void {
    this.workers.splice(this.workers.indexOf(worker), 1);
    for (const [id, entry] of this.running) {
      if (entry.worker !== worker) continue;
      this.running.delete(id);
      entry.pending.reject(error);
    }
    const next = this.queue.shift();
    const replacement = next ? this.takeWorker() : undefined;
    if (next && replacement) this.run(replacement, next);
    else if (next) this.queue.unshift(next);
  }
}

function busy(): DomainError {
  return new DomainError('unavailable', 'AUTH_BUSY', 'Too many sign-ins at once; retry in a moment', { retryAfterSeconds: 1 });
}
