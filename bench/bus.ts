import 'reflect-metadata';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import * as hdr from 'hdr-histogram-js';
import { v4 as uuidv4 } from 'uuid';
import { createApp, shutdown } from '@app/bootstrap';
import { loadConfig } from '@platform/config/app-config';
import { createLogger } from '@platform/logging/logger';
import { serviceUrls } from '@test/support/services';
import { BUS_CONTEXTS, DepositCommand, fxTeller, installBusSchemas, ListDepositsQuery } from '@test/fixtures/bus-contexts';
import { createCalibrationTopics, startCaller } from './bus-calibration';
import { withBenchDatabase } from './support';

/*
 * `npm run bench:bus`: a command (a deposit: one insert and an outbox event, in a
 * transaction) and a query (a sum over an index) sent on the CommandBus/QueryBus, in
 * one process and across processes over the real Kafka (the caller here, the owner in a
 * child process on its own database connection pool), at a fixed offered rate (open loop:
 * a call starts every 1/rate s whether or not earlier ones finished). One JSON line per
 * path and message: p50/p95/p99 in ms and calls per second achieved, and a calibration line
 * (kafkajs-echo): the same round trip between the same two processes with kafkajs alone.
 *
 *   BENCH_SECONDS (default 15)  measured time per scenario, after a 3 s warm-up
 *   BENCH_RATE (default 1000)   offered calls per second
 *   BENCH_MESSAGES, BENCH_PATHS subsets: command,query and in-process,kafka
 *   BENCH_OWNER_NODE_ARGS       Node flags of the owner process (e.g. --cpu-prof)
 */
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 15);
const RATE = Number(process.env['BENCH_RATE'] ?? 1000);
const WARMUP_SECONDS = 3;
const MESSAGES = (process.env['BENCH_MESSAGES'] ?? 'command,query').split(',') as Array<'command' | 'query'>;
const PATHS = (process.env['BENCH_PATHS'] ?? 'in-process,kafka').split(',');

interface Line {
  /** kafkajs-echo: the same round trip with kafkajs alone (bus-calibration.ts), the floor under `kafka`. */
  path: 'in-process' | 'kafka' | 'kafkajs-echo';
  message: 'command' | 'query' | 'calibration';
  offered_per_sec: number;
  calls: number;
  per_sec: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: number;
}

async function main(): Promise<void> {
  const services = serviceUrls();
  await withBenchDatabase('bus', [], async (url) => {
    await installBusSchemas(url);
    const base = { NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: '0', DATABASE_URL: url, DATABASE_POOL_MAX: '20', BUS_TOPIC_PARTITIONS: '12' };
    const lines: Line[] = [];

    // One process: both contexts, the in-process bus.
    if (PATHS.includes('in-process')) {
      const local = await createApp(loadConfig(base, BUS_CONTEXTS), { contexts: BUS_CONTEXTS, logger: createLogger('warn') });
      await local.init();
      try {
        lines.push(...(await measure(local, 'in-process')));
      } finally {
        await shutdown(local);
      }
    }

    // Two processes: the owner in a child, this one reaching it over Kafka.
    if (PATHS.includes('kafka')) {
      const prefix = `bench-bus-${Date.now()}.`;
      const kafka = { KAFKA_BROKERS: services.kafkaBrokers, KAFKA_TOPIC_PREFIX: prefix };
      await createCalibrationTopics(services.kafkaBrokers.split(','), prefix);
      const owner = await startOwner({ ...base, ...kafka, BUS_SERVE: 'true' });
      const caller = await createApp(loadConfig({ ...base, ...kafka }, BUS_CONTEXTS), {
        contexts: [fxTeller],
        available: BUS_CONTEXTS,
        logger: createLogger('warn'),
      });
      await caller.init();
      const raw = await startCaller(services.kafkaBrokers.split(','), prefix);
      try {
        lines.push(...(await measure(caller, 'kafka')));
        lines.push(await measureCalls('kafkajs-echo', 'calibration', () => raw.call()));
      } finally {
        await raw.close();
        await shutdown(caller);
        owner.kill('SIGTERM');
      }
    }
    for (const line of lines) process.stdout.write(JSON.stringify({ bench: 'bus', ...line }) + '\n');
    const ratio = (message: 'command' | 'query') => {
      const [a, b] = [lines.find((l) => l.path === 'in-process' && l.message === message), lines.find((l) => l.path === 'kafka' && l.message === message)];
      const floor = lines.find((l) => l.path === 'kafkajs-echo');
      if (!b) return { message };
      return {
        message,
        p99_kafka_ms: b.p99_ms,
        ...(a ? { p99_kafka_over_in_process: Number((b.p99_ms / a.p99_ms).toFixed(2)) } : {}),
        ...(floor ? { p99_kafka_over_kafkajs_echo: Number((b.p99_ms / floor.p99_ms).toFixed(2)), p99_kafkajs_echo_ms: floor.p99_ms } : {}),
        target_p99_ms: 15,
        met: b.p99_ms <= 15 && b.per_sec >= RATE * 0.98,
      };
    };
    process.stdout.write(JSON.stringify({ bench: 'bus', summary: MESSAGES.map(ratio) }) + '\n');
  });
}

async function measure(app: NestFastifyApplication, path: Line['path']): Promise<Line[]> {
  const commands = app.get(CommandBus);
  const queries = app.get(QueryBus);
  const account = `bench-${path}`;
  const calls = {
    command: () => commands.execute(new DepositCommand({ id: uuidv4(), account, amount: '1' })),
    query: () => queries.execute(new ListDepositsQuery({ account })),
  };
  const lines: Line[] = [];
  for (const message of MESSAGES) lines.push(await measureCalls(path, message, calls[message]));
  return lines;
}

async function measureCalls(path: Line['path'], message: Line['message'], call: () => Promise<unknown>): Promise<Line> {
  await offer(call, WARMUP_SECONDS);
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const started = Date.now();
  const { done, errors } = await offer(call, SECONDS, (micros) => histogram.recordValue(micros));
  const seconds = (Date.now() - started) / 1000;
  const ms = (q: number) => Number((histogram.getValueAtPercentile(q) / 1000).toFixed(2));
  return {
    path,
    message,
    offered_per_sec: RATE,
    calls: done,
    per_sec: Math.round(done / seconds),
    p50_ms: ms(50),
    p95_ms: ms(95),
    p99_ms: ms(99),
    max_ms: Number((histogram.maxValue / 1000).toFixed(2)),
    errors,
  };
}

/** Starts a call every 1/RATE s for `seconds` (open loop) and waits for all of them. */
async function offer(call: () => Promise<unknown>, seconds: number, record?: (micros: number) => void): Promise<{ done: number; errors: number }> {
  let done = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const start = process.hrtime.bigint();
  const total = Math.round(seconds * RATE);
  for (let i = 0; i < total; i++) {
    const due = start + BigInt(Math.round((i * 1e9) / RATE));
    const wait = Number(due - process.hrtime.bigint()) / 1e6;
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Latency counts from when the call was due, so a stalled sender shows up too.
    inFlight.push(
      call().then(
        () => {
          done++;
          record?.(Math.max(1, Number(process.hrtime.bigint() - due) / 1000));
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { done, errors };
}

function startOwner(env: Record<string, string>): Promise<ChildProcess> {
  const nodeArgs = (process.env['BENCH_OWNER_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', join(__dirname, 'bus-owner.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('owner ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the owner process exited (${code}) before it was ready`)));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
