import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { Kafka, logLevel } from 'kafkajs';
import { describeFindings, scanLogDirectory } from './log-scan';
import { RUN_LOG_DIR } from './run-logs';
import { serviceUrls } from './services';

/** Drops this run's databases and Kafka topics, then scans what its apps logged (and fails the run on a finding). */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env['SKYRO_TEST_RUN_ID'];
  if (!runId) return;
  try {
    await dropRunResources(runId);
  } finally {
    const dir = process.env[RUN_LOG_DIR];
    if (dir) scanRunLogs(dir);
  }
}

/**
 * No card number, IBAN, password, token or test user's e-mail in any line the suite's apps
 * wrote (test/support/log-scan.ts). One summary line on the console; on a finding the run
 * fails, naming file, line and kind, and the logs are kept for a look.
 */
export function scanRunLogs(
  dir: string,
  {
    out = (line: string) => process.stdout.write(line),
    keep = Boolean(process.env['SKYRO_KEEP_TEST_LOGS']),
  }: { out?: (line: string) => void; keep?: boolean } = {},
): void {
  const report = scanLogDirectory(dir);
  const { findings, ...figures } = report;
  writeFileSync(join(dir, 'log-scan.json'), JSON.stringify({ ...figures, findings }, null, 2));
  out(
    `\nlog scan: ${figures.files} files, ${figures.lines} lines (${(figures.bytes / 1e6).toFixed(1)} MB), ${figures.knownSecrets} known test secrets, ${findings.length} findings, ${figures.ms} ms\n`,
  );
  if (findings.length > 0) throw new Error(describeFindings(report, dir));
  if (!keep) rmSync(dir, { recursive: true, force: true });
}

async function dropRunResources(runId: string): Promise<void> {
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
