import { Kafka, logLevel, type Consumer, type KafkaMessage } from 'kafkajs';
import { serviceUrls } from './services';

export interface ReadMessage {
  readonly key: string | null;
  readonly value: string;
  readonly headers: Record<string, string>;
  readonly partition: number;
}

/**
 * Reads a topic from the beginning with a throwaway consumer group until `count`
 * messages arrived or `quietMs` passed without new ones (to prove nothing more comes).
 */
export async function readTopic(topic: string, options: { count?: number; quietMs?: number; timeoutMs?: number } = {}): Promise<ReadMessage[]> {
  const kafka = new Kafka({ brokers: serviceUrls().kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  // A short fetch wait: disconnect() waits for the fetch in flight.
  const consumer = kafka.consumer({ groupId: `reader-${Date.now()}-${Math.random().toString(36).slice(2)}`, maxWaitTimeInMs: 100 });
  const messages: ReadMessage[] = [];
  let lastArrival = Date.now();
  await consumer.connect();
  try {
    await subscribeWhenCreated(consumer, topic, options.timeoutMs ?? 20_000);
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        messages.push(toRead(partition, message));
        lastArrival = Date.now();
      },
    });
    const started = Date.now();
    const quietMs = options.quietMs ?? 1500;
    const timeoutMs = options.timeoutMs ?? 20_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 50));
      const enough = options.count !== undefined && messages.length >= options.count;
      if (enough && Date.now() - lastArrival >= Math.min(quietMs, 300)) break;
      if (options.count === undefined && Date.now() - Math.max(lastArrival, started) >= quietMs && Date.now() - started > quietMs) break;
      if (Date.now() - started > timeoutMs) break;
    }
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

function toRead(partition: number, message: KafkaMessage): ReadMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) if (v !== undefined) headers[k] = v.toString();
  return { key: message.key?.toString() ?? null, value: message.value?.toString() ?? '', headers, partition };
}

/**
 * The app creates a topic when it first publishes to it, which may be a moment after the
 * test asks to read it: until then the broker answers "does not host this topic-partition".
 */
async function subscribeWhenCreated(consumer: Consumer, topic: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      return;
    } catch (error) {
      const unknown = (error as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION';
      if (!unknown || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
