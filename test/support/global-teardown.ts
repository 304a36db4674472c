import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { serviceUrls } from './services';

/** Drops this run's databases and Kafka topics. */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env['SKYRO_TEST_RUN_ID'];
  if (!runId) return;
  const { databaseUrl, kafkaBrokers } = serviceUrls();
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1`, [`skyro_%${runId}%`]);
    for (const { datname } of rows) await admin.query(`drop database if exists "${datname}" with (force)`).catch(() => undefined);
  } finally {
    await admin.end();
  }
  const kafka = new Kafka({ brokers: kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const kafkaAdmin = kafka.admin();
  try {
    await kafkaAdmin.connect();
    const topics = (await kafkaAdmin.listTopics()).filter((t) => t.startsWith(`t${runId}`));
    if (topics.length) await kafkaAdmin.deleteTopics({ topics });
  } catch {
    // A broker that is gone already has nothing to clean.
  } finally {
    await kafkaAdmin.disconnect().catch(() => undefined);
  }
}
