import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Stream, type IncomingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { recordSecrets } from '../run-logs';
import { Script } from './local-server';

/*
 * A local APNs provider API: HTTP/2 over TLS on 127.0.0.1 with a self-signed certificate
 * made by openssl at start (the client trusts it through NOTIFICATIONS_APNS_CA_CERT), and
 * APNs' checks and answers: the ES256 provider token (kid, iss, signature by the team's
 * key), apns-topic, apns-push-type, apns-id, apns-expiration, apns-priority, the 4 KiB
 * payload limit, {"reason": ...} bodies (BadDeviceToken, Unregistered with a timestamp,
 * ExpiredProviderToken for tokens it was told to expire), scripted answers otherwise.
 */

export interface ApnsPush {
  readonly token: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: { aps: { alert: { title?: string; body: string } }; [key: string]: unknown };
  readonly providerToken: string;
}

export class ApnsFake {
  readonly script = new Script();
  readonly pushes: ApnsPush[] = [];
  /** Every provider token (JWT) a request carried, in order of first use. */
  readonly providerTokens: string[] = [];
  readonly unregistered = new Set<string>();
  readonly bad = new Set<string>();
  readonly keyId = 'ABC123DEFG';
  readonly teamId = 'TEAM123456';
  readonly topic = 'dev.skyro.app';
  readonly privateKeyPem: string;
  certPem = '';
  url = '';
  private readonly publicKey: KeyObject;
  private readonly expired = new Set<string>();
  private server?: Http2SecureServer;
  private readonly streams = new Set<ServerHttp2Stream>();

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    this.publicKey = publicKey;
    recordSecrets([this.privateKeyPem]);
  }

  async start(): Promise<this> {
    const dir = mkdtempSync(join(tmpdir(), 'apns-fake-'));
    try {
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          join(dir, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      this.certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
      const key = readFileSync(join(dir, 'key.pem'), 'utf8');
      this.server = createSecureServer({ key, cert: this.certPem, allowHTTP1: false });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    this.server.on('stream', (stream, headers) => {
      this.streams.add(stream);
      stream.on('close', () => this.streams.delete(stream));
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => void this.handle(stream, headers, Buffer.concat(chunks)));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The provider tokens seen so far are answered 403 ExpiredProviderToken from now on. */
  expireProviderTokens(): void {
    for (const t of this.providerTokens) this.expired.add(t);
  }

  async close(): Promise<void> {
    for (const stream of this.streams) stream.close();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, body: Buffer): Promise<void> {
    const answer = (status: number, reason?: string, extra: Record<string, string> = {}) => {
      if (stream.destroyed) return;
      stream.respond({
        ':status': status,
        'apns-id': String(headers['apns-id'] ?? randomUUID()).toUpperCase(),
        ...(reason ? { 'content-type': 'application/json' } : {}),
        ...extra,
      });
      stream.end(reason ? JSON.stringify({ reason, ...(reason === 'Unregistered' ? { timestamp: Date.now() } : {}) }) : undefined);
    };
    const path = /^\/3\/device\/([0-9a-fA-F]+)$/.exec(String(headers[':path']));
    if (headers[':method'] !== 'POST') return answer(405, 'MethodNotAllowed');
    if (!path) return answer(404, 'BadPath');
    const jwt = /^bearer (\S+)$/.exec(String(headers['authorization'] ?? ''))?.[1];
    if (!jwt) return answer(403, 'MissingProviderToken');
    try {
      if (decodeProtectedHeader(jwt).kid !== this.keyId) throw new Error('kid');
      await jwtVerify(jwt, this.publicKey, { algorithms: ['ES256'], issuer: this.teamId });
    } catch {
      return answer(403, 'InvalidProviderToken');
    }
    if (!this.providerTokens.includes(jwt)) this.providerTokens.push(jwt);
    if (this.expired.has(jwt)) return answer(403, 'ExpiredProviderToken');
    if (!headers['apns-topic']) return answer(400, 'MissingTopic');
    if (headers['apns-topic'] !== this.topic) return answer(400, 'BadTopic');
    if (headers['apns-push-type'] !== 'alert') return answer(400, 'InvalidPushType');
    if (headers['apns-id'] !== undefined && !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(String(headers['apns-id'])))
      return answer(400, 'BadMessageId');
    if (!/^\d+$/.test(String(headers['apns-expiration'] ?? ''))) return answer(400, 'BadExpirationDate');
    if (!['10', '5', '1'].includes(String(headers['apns-priority'] ?? '10'))) return answer(400, 'BadPriority');
    if (body.length === 0) return answer(400, 'PayloadEmpty');
    if (body.length > 4096) return answer(413, 'PayloadTooLarge');
    const next = this.script.take();
    if (next) {
      if ('hang' in next || stream.destroyed) return;
      stream.respond({ ':status': next.status, ...next.headers });
      stream.end(next.body ?? '');
      return;
    }
    const token = path[1]!;
    let payload: ApnsPush['payload'];
    try {
      payload = JSON.parse(body.toString('utf8')) as ApnsPush['payload'];
      if (!payload.aps) throw new Error('aps');
    } catch {
      return answer(400, 'BadPayload');
    }
    recordSecrets([token, payload.aps.alert?.body ?? '', payload.aps.alert?.title ?? '']);
    this.pushes.push({
      token,
      headers: Object.fromEntries(
        Object.entries(headers)
          .filter(([k]) => k.startsWith('apns-'))
          .map(([k, v]) => [k, String(v)]),
      ),
      payload,
      providerToken: jwt,
    });
    if (this.bad.has(token)) return answer(400, 'BadDeviceToken');
    if (this.unregistered.has(token)) return answer(410, 'Unregistered');
    answer(200);
  }
}
