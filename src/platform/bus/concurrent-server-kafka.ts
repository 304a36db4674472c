import { Logger } from '@nestjs/common';
import { ServerKafka, type KafkaOptions } from '@nestjs/microservices';
import type { EachMessagePayload } from 'kafkajs';

/**
 * @nestjs/microservices' Kafka server, handling up to `limit` requests at once instead of
 * one at a time per partition. Nest's own handler awaits each request before kafkajs
 * hands over the next message — and kafkajs fetches again only when every partition of the
 * last fetch is done — so one slow request holds up everything behind it, and a context
 * whose commands batch well (the ledger's group commit) would only ever see a few at once.
 *
 * The offset of a request is committed once it has started, not finished: if the process
 * dies mid-way, that request is not redelivered — its caller gets 503 at its deadline and
 * retries with the same ids, which the owner's command log and the commands' own ids make
 * safe. Requests, replies and their format are Nest's, unchanged.
 */
export class ConcurrentServerKafka extends ServerKafka {
  private readonly log = new Logger('BusServer');
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly idle: Array<() => void> = [];

  constructor(
    options: KafkaOptions['options'],
    private readonly limit: number,
  ) {
    super(options ?? {});
  }

  override getMessageHandler(): (payload: EachMessagePayload) => Promise<void> {
    return async (payload) => {
      while (this.inFlight >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
      this.inFlight++;
      void this.handleMessage(payload)
        .catch((error: unknown) => this.log.error({ err: error, topic: payload.topic }, 'a bus request could not be handled'))
        .finally(() => {
          this.inFlight--;
          this.waiting.shift()?.();
          if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
        });
    };
  }

  /** Stops consuming, then waits for the requests being handled to be answered. */
  override async close(): Promise<void> {
    const drained = this.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => this.idle.push(resolve));
    await this.consumer?.stop();
    await drained;
    await super.close();
  }
}
