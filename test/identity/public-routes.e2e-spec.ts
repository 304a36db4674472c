import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { renderOpenApi } from '@app/openapi-document';

type Operation = {
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  tags?: string[];
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: { content: Record<string, { schema: { $ref?: string } }> };
};

/** The prefixes the Helm chart's public Kong Ingress serves without the JWT plugin (ingress.publicPaths). */
const INGRESS = (
  parse(readFileSync(join(__dirname, '../../helm/skyro-core/values.yaml'), 'utf8')) as { ingress: { publicPaths: string[]; websocket: { paths: string[] } } }
).ingress;
const PUBLIC_PATHS = INGRESS.publicPaths;
/** WebSocket endpoints get an Ingress of their own without the JWT plugin (browsers authenticate with the first message). */
const WEBSOCKET_PATHS = INGRESS.websocket.paths;

/**
 * The Helm chart's public Kong Ingress exposes only its publicPaths (/v1/auth, /.well-known,
 * /health, the providers' signed callbacks under /v1/notifications/callbacks) without the
 * JWT plugin: a public route anywhere else would be unreachable, or worse, someone would
 * widen the Ingress for it. Every other route documents its bearer security.
 */
describe('route exposure', () => {
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    paths = (JSON.parse(await renderOpenApi()) as { paths: typeof paths }).paths;
  });

  it("puts every public route under one of the chart's public paths", () => {
    expect(PUBLIC_PATHS).toEqual(['/health', '/.well-known', '/v1/auth', '/v1/notifications/callbacks', '/v1/payment-webhooks', '/auth']);
    const misplaced = Object.entries(paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => !op.security?.length)
        // /metrics is scraped inside the cluster; Kong terminates it (ingress.blockedPaths).
        .filter(() => path !== '/metrics' && !PUBLIC_PATHS.some((prefix) => path.startsWith(`${prefix}/`)) && !WEBSOCKET_PATHS.includes(path))
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(misplaced).toEqual([]);
    expect(WEBSOCKET_PATHS).toEqual(['/v1/realtime']);
  });

  it('documents bearer security and the 401 answer on every other identity route', () => {
    const identity = Object.entries(paths).filter(([path]) => /^\/v1\/(users|sessions|mfa|oauth|admin|audit-log)/.test(path));
    expect(identity.length).toBeGreaterThan(15);
    for (const [path, operations] of identity) {
      for (const [method, op] of Object.entries(operations)) {
        expect({ route: `${method} ${path}`, security: op.security, has401: '401' in op.responses }).toEqual({
          route: `${method} ${path}`,
          security: [{ bearer: [] }],
          has401: true,
        });
      }
    }
  });

  it('documents every identity path parameter, and names each request body as a component', () => {
    // Identity's controllers are tagged with these (other contexts share some path prefixes).
    const tags = new Set(['auth', 'users', 'sessions', 'mfa', 'admin', 'audit']);
    let checked = 0;
    for (const [path, operations] of Object.entries(paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(operations)) {
        if (!op.tags?.some((tag) => tags.has(tag))) continue;
        checked++;
        const route = `${method} ${path}`;
        const inPath = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
        expect({ route, inPath }).toEqual({ route, inPath: templated });
        for (const [type, body] of Object.entries(op.requestBody?.content ?? {})) {
          expect({ route, type, ref: body.schema.$ref }).toEqual({ route, type, ref: expect.stringMatching(/^#\/components\/schemas\//) });
        }
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(Object.keys(paths['/v1/auth/token']!['post']!.requestBody!.content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
  });
});
