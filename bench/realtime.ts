import 'reflect-metadata';
import { execSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import Redis from 'ioredis';
import { v4 as uuidv4 } from 'uuid';
import { WebSocket } from 'ws';
import { CONTEXTS } from '@modules';
import { RedisUserStreams } from '@modules/realtime/infrastructure/redis-user-streams';
import { AccessTokens } from '@platform/auth/access-tokens';
import { KeyRing } from '@platform/auth/key-ring';
import { SessionStore } from '@platform/auth/sessions';
import { RedisCache } from '@platform/cache/redis.cache';
import { loadConfig, type AppConfig } from '@platform/config/app-config';
import { serviceUrls } from '@test/support/services';
import { withBenchDatabase } from './support';

/*
 * `npm run bench:realtime`: CONNECTIONS WebSocket connections to ONE app process (the real
 * entry point, src/main.ts, on the services' PostgreSQL and Redis), held by client worker
 * processes, each user with two connections (phone and browser). Events are published on the
 * gateway's own path (RedisUserStreams.publish: the history script and Redis pub/sub, as the
 * event consumer does) with the send time in the data; the clients measure publish -> receipt.
 *
 * JSON lines: `limits` (file descriptors, ports, what was asked and what fits), `calibration`
 * (the same publish path and rate with 1 connection), `connect` (connections held, time),
 * `memory` (app RSS and heap per connection), `fan-out` (open loop at BENCH_RATE events/s:
 * p50/p95/p99 ms, deliveries/s), `burst` (BENCH_BURST events as fast as one publisher sends:
 * deliveries/s), `revocation` (sessions revoked in Redis -> their connections closed).
 *
 *   BENCH_CONNECTIONS (50000)  connections to the one app process
 *   BENCH_WORKERS (2)          client processes (more when one cannot hold its share)
 *   BENCH_RATE (2000)          events/s in the fan-out phase (each reaches 2 connections)
 *   BENCH_SECONDS (10)         length of the fan-out and calibration phases
 *   BENCH_BURST (20000)        events in the burst phase
 *
 * Each child is started by bash with `ulimit -n $(ulimit -Hn)`: the soft limit raised to the
 * hard one. A process cannot go above the hard limit without CAP_SYS_RESOURCE; when it is
 * below what the connections need, the run holds as many as fit and says so in `limits`.
 * Clients bind to 127.0.0.2, 127.0.0.3, ... (`localAddress`): one source address has only the
 * ephemeral port range (net.ipv4.ip_local_port_range, ~28,000) to bind from.
 */
const REQUESTED = Number(process.env['BENCH_CONNECTIONS'] ?? 50_000);
const WORKERS = Number(process.env['BENCH_WORKERS'] ?? 2);
const RATE = Number(process.env['BENCH_RATE'] ?? 2000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const BURST = Number(process.env['BENCH_BURST'] ?? 20_000);
const PER_USER = 2;
const PER_SOURCE_ADDRESS = 20_000;
const FD_RESERVE = 1000;
const REVOKED = 200;

const now = () => performance.timeOrigin + performance.now();

interface BenchUser {
  readonly userId: string;
  readonly sessionId: string;
  readonly token: string;
}

type ToWorker = { type: 'connect'; url: string; users: BenchUser[]; perUser: number; addresses: string[]; concurrency: number } | { type: 'collect' };
type FromWorker =
  | { type: 'connected'; open: number; failed: number; errors: string[] }
  | { type: 'stats'; latencies: number[]; deliveries: number; firstAt: number; lastAt: number; closes: Array<{ userId: string; code: number; at: number }> };

// ---------------------------------------------------------------- worker (client) process

function worker(): void {
  const latencies: number[] = [];
  let deliveries = 0;
  let firstAt = 0;
  let lastAt = 0;
  const closes: Array<{ userId: string; code: number; at: number }> = [];
  const sockets: WebSocket[] = [];
  const send = (message: FromWorker) => process.send!(message);

  const open = (url: string, user: BenchUser, localAddress: string) =>
    new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { localAddress, perMessageDeflate: false });
      let ready = false;
      ws.on('open', () => ws.send(JSON.stringify({ type: 'auth', token: user.token })));
      ws.on('message', (data) => {
        const at = now();
        const text = (data as Buffer).toString();
        if (!ready) {
          if (text.startsWith('{"type":"ready"')) {
            ready = true;
            sockets.push(ws);
            resolve();
          }
          return;
        }
        const t = /"t":([\d.]+)/.exec(text);
        if (!t) return;
        deliveries++;
        if (firstAt === 0) firstAt = at;
        lastAt = at;
        latencies.push(at - Number(t[1]));
      });
      ws.on('close', (code) => {
        if (!ready) reject(new Error(`closed ${code} before ready`));
        else closes.push({ userId: user.userId, code, at: now() });
      });
      ws.on('error', (error) => {
        if (!ready) reject(error);
      });
    });

  process.on('message', (message: ToWorker) => {
    if (message.type === 'collect') {
      send({ type: 'stats', latencies: latencies.splice(0), deliveries, firstAt, lastAt, closes: closes.splice(0) });
      deliveries = 0;
      firstAt = 0;
      lastAt = 0;
      return;
    }
    void (async () => {
      const jobs = message.users.flatMap((user) => Array.from({ length: message.perUser }, () => user));
      let next = 0;
      let failed = 0;
      const errors = new Set<string>();
      await Promise.all(
        Array.from({ length: message.concurrency }, async () => {
          while (next < jobs.length) {
            const i = next++;
            await open(message.url, jobs[i]!, message.addresses[i % message.addresses.length]!).catch((error: unknown) => {
              failed++;
              if (errors.size < 5) errors.add(String(error instanceof Error ? error.message : error));
            });
          }
        }),
      );
      send({ type: 'connected', open: sockets.length, failed, errors: [...errors] });
    })();
  });
}

// ---------------------------------------------------------------- orchestrator

/** Node with the soft file limit raised to the hard one (bash's ulimit; no CAP_SYS_RESOURCE needed). */
function spawnRaised(args: readonly string[], env: NodeJS.ProcessEnv, ipc: boolean): ChildProcess {
  return spawn('/bin/bash', ['-c', 'ulimit -n "$(ulimit -Hn)" && exec "$@"', 'bash', process.execPath, ...args], {
    env,
    cwd: join(__dirname, '..'),
    stdio: ipc ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
}

function sh(command: string): string {
  try {
    return execSync(command, { shell: '/bin/bash', encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function print(line: object): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function percentiles(latencies: readonly number[]): { p50: number; p95: number; p99: number; max: number } {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: 3 });
  for (const ms of latencies) histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  const at = (p: number) => Math.round(histogram.getValueAtPercentile(p) / 10) / 100;
  return { p50: at(50), p95: at(95), p99: at(99), max: Math.round(histogram.maxValue / 10) / 100 };
}

async function startApp(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; base: string }> {
  const child = spawnRaised(['-r', '@swc-node/register', 'src/main.ts'], env, false);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    if (out.length < 100_000) out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    if (err.length < 100_000) err += c.toString();
  });
  const deadline = Date.now() + 120_000;
  for (;;) {
    const match = /Skyro Core listening on (http:\/\/[\d.:]+)/.exec(out);
    if (match) return { child, url: match[1]!.replace('http:', 'ws:') + '/v1/realtime', base: match[1]! };
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`app did not start: ${err.slice(-2000) || out.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function appMemory(base: string, pid: number): Promise<{ rss: number; heapUsed: number }> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const heap = /^nodejs_heap_size_used_bytes (\d+)/m.exec(text);
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { rss: rss ? Number(rss[1]) * 1024 : NaN, heapUsed: heap ? Number(heap[1]) : NaN };
}

function request<T extends FromWorker['type']>(child: ChildProcess, message: ToWorker, answer: T): Promise<Extract<FromWorker, { type: T }>> {
  return new Promise((resolve) => {
    const onMessage = (m: FromWorker) => {
      if (m.type !== answer) return;
      child.off('message', onMessage);
      resolve(m as Extract<FromWorker, { type: T }>);
    };
    child.on('message', onMessage);
    child.send(message);
  });
}

async function collect(workers: readonly ChildProcess[]): Promise<Extract<FromWorker, { type: 'stats' }>> {
  const all = await Promise.all(workers.map((w) => request(w, { type: 'collect' }, 'stats')));
  return {
    type: 'stats',
    latencies: all.flatMap((s) => s.latencies),
    deliveries: all.reduce((n, s) => n + s.deliveries, 0),
    firstAt: Math.min(...all.map((s) => s.firstAt || Infinity)),
    lastAt: Math.max(...all.map((s) => s.lastAt)),
    closes: all.flatMap((s) => s.closes),
  };
}

/** Open loop: an event every 1/rate s to a random user, whether or not earlier ones arrived. */
async function publishAt(streams: RedisUserStreams, users: readonly BenchUser[], rate: number, seconds: number): Promise<number> {
  const start = now();
  let sent = 0;
  const inFlight = new Set<Promise<unknown>>();
  while (now() - start < seconds * 1000) {
    const due = Math.floor(((now() - start) / 1000) * rate);
    while (sent < due) {
      const user = users[Math.floor(Math.random() * users.length)]!;
      const p = streams.publish(user.userId, { event: 'bench.ping', occurredAt: new Date().toISOString(), data: { t: now(), n: sent } }, uuidv4());
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  return sent;
}

async function settle(workers: readonly ChildProcess[], expected: number, timeoutMs = 30_000): Promise<Extract<FromWorker, { type: 'stats' }>> {
  // Deliveries still on their way are counted once they arrive (or after the timeout).
  const parts: Array<Extract<FromWorker, { type: 'stats' }>> = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    parts.push(await collect(workers));
    const got = parts.reduce((n, p) => n + p.deliveries, 0);
    if (got >= expected || Date.now() > deadline) break;
  }
  return {
    type: 'stats',
    latencies: parts.flatMap((p) => p.latencies),
    deliveries: parts.reduce((n, p) => n + p.deliveries, 0),
    firstAt: Math.min(...parts.map((p) => p.firstAt)),
    lastAt: Math.max(...parts.map((p) => p.lastAt)),
    closes: parts.flatMap((p) => p.closes),
  };
}

async function main(): Promise<void> {
  const hard = Number(sh('ulimit -Hn'));
  const capacity = Number.isFinite(hard) ? hard - FD_RESERVE : REQUESTED;
  const fit = Math.min(REQUESTED, capacity);
  const connections = fit - (fit % PER_USER);
  const workerCount = Math.max(WORKERS, Math.ceil(connections / capacity));
  const addresses = Array.from({ length: Math.max(1, Math.ceil(connections / PER_SOURCE_ADDRESS)) }, (_, i) => `127.0.0.${i + 2}`);
  print({
    scenario: 'limits',
    requested: REQUESTED,
    connections,
    ulimitHn: hard,
    nrOpen: Number(sh('cat /proc/sys/fs/nr_open')),
    ipLocalPortRange: sh('cat /proc/sys/net/ipv4/ip_local_port_range').replace(/\s+/g, '-'),
    sourceAddresses: addresses,
    workers: workerCount,
    cpus: sh('nproc'),
    ...(connections < REQUESTED
      ? {
          note: `one process may hold at most ${hard} files here (hard limit; raising it needs CAP_SYS_RESOURCE): ${connections} connections instead of ${REQUESTED}`,
        }
      : {}),
  });

  const services = serviceUrls();
  await withBenchDatabase('realtime', [], async (databaseUrl) => {
    const { jwk } = await KeyRing.generate();
    const prefix = `bench-realtime-${Date.now()}:`;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: services.redisUrl,
      REDIS_KEY_PREFIX: prefix,
      AUTH_SIGNING_KEYS: JSON.stringify([jwk]),
      MODULES: 'all',
    };
    delete env['KAFKA_BROKERS'];
    const config: AppConfig = loadConfig(env, CONTEXTS);
    const ring = await KeyRing.fromJwks([jwk]);
    const tokens = new AccessTokens(ring, { ...config, auth: { ...config.auth, accessTokenTtlSeconds: 3600 } });
    const cache = new RedisCache(services.redisUrl, prefix);
    await cache.connect();
    const sessions = new SessionStore(cache, config);
    await sessions.onModuleInit(); // subscribes, so that revocations are announced on the channel
    const publisherClient = new Redis(services.redisUrl, { keyPrefix: prefix, enableAutoPipelining: true });
    const streams = new RedisUserStreams(publisherClient, null, { historySize: 100, historyTtlMs: 900_000 });

    const makeUsers = async (n: number): Promise<BenchUser[]> => {
      const users: BenchUser[] = [];
      for (let i = 0; i < n; i += 500) {
        users.push(
          ...(await Promise.all(
            Array.from({ length: Math.min(500, n - i) }, async () => {
              const userId = uuidv4();
              const sessionId = uuidv4();
              await sessions.create({ id: sessionId, userId, roles: ['customer'], createdAt: Date.now(), ip: null, userAgent: 'bench', secondFactorAt: null });
              return { userId, sessionId, token: (await tokens.issue({ subject: userId, roles: ['customer'], sessionId })).token };
            }),
          )),
        );
      }
      return users;
    };

    const app = await startApp(env);
    const workers = Array.from({ length: workerCount }, () => spawnRaised(['-r', '@swc-node/register', __filename, '--worker'], process.env, true));
    try {
      // Calibration: the same publish path and rate, one connection.
      const [calibrationUser] = await makeUsers(1);
      await request(
        workers[0]!,
        { type: 'connect', url: app.url, users: [calibrationUser!], perUser: 1, addresses: ['127.0.0.1'], concurrency: 1 },
        'connected',
      );
      await publishAt(streams, [calibrationUser!], RATE, Math.min(3, SECONDS)); // warm-up
      await settle(workers, 0, 1000);
      const calibrationSent = await publishAt(streams, [calibrationUser!], RATE, SECONDS);
      const calibration = await settle(workers, calibrationSent);
      print({
        scenario: 'calibration',
        connections: 1,
        offeredEventsPerSec: RATE,
        events: calibrationSent,
        deliveries: calibration.deliveries,
        latencyMs: percentiles(calibration.latencies),
      });

      await new Promise((r) => setTimeout(r, 3000));
      const before = await appMemory(app.base, app.child.pid!);
      const users = await makeUsers(connections / PER_USER);
      const started = Date.now();
      const share = Math.ceil(users.length / workerCount);
      const connected = await Promise.all(
        workers.map((w, i) =>
          request(
            w,
            { type: 'connect', url: app.url, users: users.slice(i * share, (i + 1) * share), perUser: PER_USER, addresses, concurrency: 200 },
            'connected',
          ),
        ),
      );
      const held = connected.reduce((n, c) => n + c.open, 0);
      print({
        scenario: 'connect',
        connectionsHeld: held,
        failed: connected.reduce((n, c) => n + c.failed, 0),
        errors: connected.flatMap((c) => c.errors).slice(0, 5),
        seconds: (Date.now() - started) / 1000,
        perSecond: Math.round(held / ((Date.now() - started) / 1000)),
      });
      await new Promise((r) => setTimeout(r, 5000));
      const after = await appMemory(app.base, app.child.pid!);
      print({
        scenario: 'memory',
        connections: held,
        rssBeforeMb: Math.round(before.rss / 1048576),
        rssAfterMb: Math.round(after.rss / 1048576),
        rssPerConnectionKb: Math.round(((after.rss - before.rss) / held / 1024) * 10) / 10,
        heapPerConnectionKb: Math.round(((after.heapUsed - before.heapUsed) / held / 1024) * 10) / 10,
      });

      await publishAt(streams, users, RATE, Math.min(3, SECONDS)); // warm-up
      await settle(workers, 0, 1000);
      const sent = await publishAt(streams, users, RATE, SECONDS);
      const fanOut = await settle(workers, sent * PER_USER);
      print({
        scenario: 'fan-out',
        connections: held,
        offeredEventsPerSec: RATE,
        events: sent,
        deliveries: fanOut.deliveries,
        deliveriesPerSec: Math.round(fanOut.deliveries / SECONDS),
        latencyMs: percentiles(fanOut.latencies),
        goalP99Ms: 100,
      });

      const burstStart = now();
      for (let i = 0; i < BURST; i += 500) {
        await Promise.all(
          Array.from({ length: Math.min(500, BURST - i) }, (_, j) => {
            const user = users[(i + j) % users.length]!;
            return streams.publish(user.userId, { event: 'bench.ping', occurredAt: new Date().toISOString(), data: { t: now(), n: i + j } }, uuidv4());
          }),
        );
      }
      const publishedIn = now() - burstStart;
      const burst = await settle(workers, BURST * PER_USER, 60_000);
      print({
        scenario: 'burst',
        connections: held,
        events: BURST,
        publishedPerSec: Math.round(BURST / (publishedIn / 1000)),
        deliveries: burst.deliveries,
        deliveriesPerSec: Math.round(burst.deliveries / ((burst.lastAt - burstStart) / 1000)),
        latencyMs: percentiles(burst.latencies),
      });

      const doomed = users.slice(0, REVOKED);
      const revokedAt = new Map<string, number>();
      for (const user of doomed) {
        revokedAt.set(user.userId, now());
        await sessions.revoke(user.sessionId);
      }
      const closes = await (async () => {
        const found: Array<{ userId: string; code: number; at: number }> = [];
        const deadline = Date.now() + 30_000;
        while (found.filter((c) => c.code === 4410).length < REVOKED * PER_USER && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 250));
          found.push(...(await collect(workers)).closes);
        }
        return found;
      })();
      const closed = closes.filter((c) => c.code === 4410 && revokedAt.has(c.userId));
      print({
        scenario: 'revocation',
        connections: held,
        sessionsRevoked: REVOKED,
        connectionsClosed4410: closed.length,
        otherCloses: closes.length - closed.length,
        closeAfterRevokeMs: percentiles(closed.map((c) => c.at - revokedAt.get(c.userId)!)),
      });
    } finally {
      for (const w of workers) w.kill('SIGKILL');
      app.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 2000));
      app.child.kill('SIGKILL');
      publisherClient.disconnect();
      await cache.close();
    }
  });
}

if (process.argv.includes('--worker')) worker();
else
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
