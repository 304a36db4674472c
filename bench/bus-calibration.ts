import { Kafka, logLevel, Partitioners, type Consumer, type Producer } from 'kafkajs';

/*
 * The floor under bench:bus's cross-process figures: the same request/reply round trip over
 * the same broker with kafkajs alone — no Nest, no contract, no handler. The owner process
 * echoes each request to the reply topic; the caller measures as for the bus.
 */

export function calibrationTopics(prefix: string): { request: string; reply: string } {
  return { request: `${prefix}calibration`, reply: `${prefix}calibration.reply` };
}

export async function createCalibrationTopics(brokers: string[], prefix: string): Promise<void> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'bench-calibration' }).admin();
  await admin.connect();
  const { request, reply } = calibrationTopics(prefix);
  await admin.createTopics({ waitForLeaders: true, topics: [request, reply].map((topic) => ({ topic, numPartitions: 12 })) }).catch(() => undefined);
  await admin.disconnect();
}

/** The owner side: every request value is sent back on the reply topic (key kept). */
export async function startEcho(brokers: string[], prefix: string): Promise<() => Promise<void>> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'bench-echo' });
  const { request, reply } = calibrationTopics(prefix);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId: `${prefix}calibration-echo`, maxWaitTimeInMs: 500 });
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: request, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      void producer.send({ topic: reply, messages: [{ key: message.key, value: message.value }] });
    },
  });
  return async () => {
    await consumer.disconnect();
    await producer.disconnect();
  };
}

/** The caller side: `call()` sends one request and resolves when its echo comes back. */
export async function startCaller(brokers: string[], prefix: string): Promise<{ call(): Promise<void>; close(): Promise<void> }> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING, clientId: 'bench-caller' });
  const { request, reply } = calibrationTopics(prefix);
  const producer: Producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer: Consumer = kafka.consumer({ groupId: `${prefix}calibration-caller-${process.pid}`, maxWaitTimeInMs: 500 });
  const waiting = new Map<string, () => void>();
  await Promise.all([producer.connect(), consumer.connect()]);
  await consumer.subscribe({ topic: reply, fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const id = message.value!.toString();
      waiting.get(id)?.();
      waiting.delete(id);
    },
  });
  let n = 0;
  const key = `caller-${process.pid}`;
  return {
    call: () =>
      new Promise<void>((resolve, reject) => {
        const id = String(++n);
        waiting.set(id, resolve);
        // One partition per caller, as the bus does (see RemoteBus.partitionKey).
        producer.send({ topic: request, messages: [{ key, value: id }] }).catch(reject);
      }),
    async close() {
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}
