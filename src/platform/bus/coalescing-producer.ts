import type { Kafka, Producer, ProducerRecord, RecordMetadata } from 'kafkajs';

/**
 * A kafkajs producer whose `send` calls made in the same turn of the event loop go to the
 * broker as one produce request (`sendBatch`). Every command or query on the bus is one
 * message; under load hundreds are in flight at once, and one request each cost the
 * caller and the owner most of their CPU. Alone, a message still leaves at once.
 */
export function coalescingProducer(producer: Producer): Producer {
  let pending: Array<{ readonly record: ProducerRecord; resolve(meta: RecordMetadata[]): void; reject(error: unknown): void }> = [];
  const flush = async () => {
    const batch = pending;
    pending = [];
    try {
      const meta = await producer.sendBatch({
        topicMessages: batch.map((b) => ({ topic: b.record.topic, messages: b.record.messages })),
        acks: batch[0]!.record.acks,
      });
      for (const b of batch) b.resolve(meta.filter((m) => m.topicName === b.record.topic));
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  };
  return {
    ...producer,
    send(record: ProducerRecord): Promise<RecordMetadata[]> {
      return new Promise((resolve, reject) => {
        if (pending.length === 0) setImmediate(() => void flush());
        pending.push({ record, resolve, reject });
      });
    },
  };
}

/** The kafkajs client with coalescing producers (see coalescingProducer). */
export function withCoalescingProducers(kafka: Kafka): Kafka {
  const producer = kafka.producer.bind(kafka);
  kafka.producer = (config) => coalescingProducer(producer(config));
  return kafka;
}
