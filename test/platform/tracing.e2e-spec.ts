import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { createTestDatabase } from '../support/database';
import { recordChildOutput } from '../support/run-logs';

interface OtlpExport {
  resourceSpans: Array<{
    resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> };
    scopeSpans: Array<{ spans: Array<{ traceId: string; name: string; kind: number }> }>;
  }>;
}

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('exports spans over OTLP/HTTP, continuing the caller trace', async () => {
    const db = await createTestDatabase();
    const exports: OtlpExport[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') exports.push(JSON.parse(body) as OtlpExport);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const collectorPort = (collector.address() as { port: number }).port;

    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(REDIS_URL|KAFKA_BROKERS|PORT)$/.test(k)));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, '../../src/main.ts')], {
      env: {
        ...clean,
        DATABASE_URL: db.url,
        PORT: '0',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}`,
        OTEL_SERVICE_NAME: 'skyro-core-test',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    recordChildOutput(child, 'main');
    try {
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 60_000;
      while (!/Skyro Core listening on (http:\/\/[\d.:]+)/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const base = /Skyro Core listening on (http:\/\/[\d.:]+)/.exec(out)![1]!;

      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const res = await fetch(`${base}/v1/nothing-here`, { headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` } });
      expect(res.status).toBe(404);
      child.kill('SIGTERM'); // the SDK flushes its batch on shutdown
      await new Promise((r) => child.once('exit', r));

      const spans = exports.flatMap((e) => e.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((s) => s.spans)));
      const services = exports.flatMap((e) =>
        e.resourceSpans.flatMap((rs) => rs.resource.attributes.filter((a) => a.key === 'service.name').map((a) => a.value.stringValue)),
      );
      expect(services).toContain('skyro-core-test');
      expect(spans.some((s) => s.traceId === traceId && s.kind === 2 /* SERVER */)).toBe(true);
    } finally {
      child.kill('SIGKILL');
      collector.close();
      await db.drop();
    }
  });
});
