import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ContextDatabases } from '../database/databases';
import { Metrics } from '../metrics/metrics';
import { EventTransport, type OutboxRecord } from './event-transport';
import { OutboxSignal } from './outbox-signal';
import { schemaName } from './sql-identifier';

// First key of the two-key advisory lock; the second is hashtext(context).
const RELAY_LOCK_CLASS = 0x5_1c_e0_02;

/**
 * Moves events from each running context's outbox to the transport.
 *
 * Per context and tick: take a transaction-scoped advisory lock (so one pod relays a
 * context at a time and its events leave in commit order), claim the oldest rows with
 * FOR UPDATE SKIP LOCKED, publish them, delete them, commit. A crash before the commit
 * leaves the rows in place: they are published again and consumers' inboxes drop the copy.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private running = false;
  private loops: Promise<void>[] = [];
  private lagTimer?: NodeJS.Timeout;
  private contexts: readonly string[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly databases: ContextDatabases,
    private readonly transport: EventTransport,
    private readonly signal: OutboxSignal,
    private readonly metrics: Metrics,
  ) {}

  start(contexts: readonly string[]): void {
    this.contexts = contexts.map(schemaName);
    this.running = true;
    this.signal.reset();
    this.loops = this.contexts.map((context) => this.loop(context));
    this.lagTimer = setInterval(() => void this.sampleLag(), 5000);
    this.lagTimer.unref();
    void this.sampleLag();
  }

  /** Stops the loops, then publishes whatever is still waiting (graceful shutdown). */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.lagTimer);
    this.signal.release();
    await Promise.all(this.loops);
    for (const context of this.contexts) {
      try {
        while ((await this.relayOnce(context)) === this.config.outbox.batchSize);
      } catch (error) {
        this.logger.warn({ context, err: error }, 'outbox flush failed; events stay in the outbox for the next relay');
      }
    }
  }

  /** Publishes one batch; returns how many events it moved (0 when another pod holds the context). */
  async relayOnce(context: string): Promise<number> {
    const schema = schemaName(context);
    return this.databases.unitOfWork(schema).run(async (tx) => {
      const lock = await tx.query<{ locked: boolean }>('select pg_try_advisory_xact_lock($1, hashtext($2)) as locked', [RELAY_LOCK_CLASS, schema]);
      if (!lock.rows[0]!.locked) return 0;
      const { rows } = await tx.query<{ id: string; topic: string; aggregate_id: string; payload: string }>(
        `select id, topic, aggregate_id, payload from ${schema}.outbox
         order by id limit $1 for update skip locked`,
        [this.config.outbox.batchSize],
      );
      if (rows.length === 0) return 0;
      const records: OutboxRecord[] = rows.map((r) => ({ id: r.id, topic: r.topic, aggregateId: r.aggregate_id, payload: r.payload }));
      await this.transport.publish(records);
      await tx.query(`delete from ${schema}.outbox where id = any($1::bigint[])`, [records.map((r) => r.id)]);
      this.metrics.outboxPublished.inc({ context, transport: this.transport.kind }, records.length);
      return records.length;
    });
  }

  private async loop(context: string): Promise<void> {
    let failures = 0;
    while (this.running) {
      try {
        const moved = await this.relayOnce(context);
        failures = 0;
        if (moved === this.config.outbox.batchSize) continue;
        await this.signal.wait(context, this.config.outbox.pollIntervalMs);
      } catch (error) {
        failures++;
        this.metrics.outboxPublishFailures.inc({ context, transport: this.transport.kind });
        this.logger.warn({ context, err: error, failures }, 'outbox relay failed; retrying with backoff');
        await this.signal.wait(`${context}:backoff`, Math.min(30_000, this.config.outbox.pollIntervalMs * 2 ** failures));
      }
    }
  }

  private async sampleLag(): Promise<void> {
    for (const context of this.contexts) {
      try {
        const { rows } = await this.databases
          .unitOfWork(context)
          .query<{ pending: string; lag: number | null }>(
            `select count(*) as pending, extract(epoch from now() - min(occurred_at))::float8 as lag from ${context}.outbox`,
          );
        this.metrics.outboxPending.set({ context }, Number(rows[0]!.pending));
        this.metrics.outboxLag.set({ context }, rows[0]!.lag ?? 0);
      } catch (error) {
        this.logger.debug({ context, err: error }, 'outbox lag sample failed');
      }
    }
  }
}
