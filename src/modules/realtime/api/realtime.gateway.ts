import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type RawData } from 'ws';
import { DomainError } from '@shared-kernel';
import { AccessTokenStrategy, type VerifiedToken } from '@platform/auth/access-token.strategy';
import { SessionStore } from '@platform/auth/sessions';
import { problem, PROBLEM_CONTENT_TYPE } from '@platform/http/problem';
import { Metrics } from '@platform/metrics/metrics';
import { CloseCode, EventId, parseClientMessage, SUBPROTOCOL, type ReadyMessage } from '../domain/protocol';
import { UserStreams } from '../infrastructure/user-streams';
import { realtimeConfig, type RealtimeConfig } from '../realtime.config';
import { RealtimeConnection, type ConnectionOwner } from './realtime-connection';

export const REALTIME_PATH = '/v1/realtime';

/** Why a token was refused, as a close code and reason (never the token, never more detail). */
class Refusal {
  constructor(
    readonly code: number,
    readonly reason: string,
    readonly status: 401 | 403,
    readonly detail: string,
  ) {}
}

/**
 * The realtime WebSocket gateway (docs/realtime.md): `/v1/realtime` on the app's own HTTP
 * server (the upgrade is taken before Fastify sees the request, so one port serves both).
 *
 * - Authentication: the first message `{"type":"auth","token":...}` (browsers cannot set
 *   headers on a WebSocket) or `Authorization: Bearer` on the upgrade request (other
 *   clients). Never a query string: URLs land in access logs, proxies' included. The token
 *   is verified as the HTTP guard does (AccessTokenStrategy) and its session must be live.
 * - Each connection receives its own user's events only: the registry is keyed by the user
 *   of the verified token, and nothing a client sends can name another user.
 * - Revocation: SessionStore tells of every changed session (here or, over Redis, on any
 *   pod); the sessions held are looked up again then, and every REALTIME_SESSION_RECHECK_MS
 *   in case a notice was lost. An ended session closes its connections (4410).
 * - Bounds: frames (1009), frames per 10 s (4429), unsent bytes (4408), connections per user
 *   (4409), time to authenticate (4401), heartbeats (a connection that missed a ping is
 *   dropped), token lifetime (4440 unless refreshed by another `auth`).
 */
@Injectable()
export class RealtimeGateway implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('RealtimeGateway');
  private readonly wss: WebSocketServer;
  private readonly byUser = new Map<string, Set<RealtimeConnection>>();
  private readonly bySession = new Map<string, Set<RealtimeConnection>>();
  private readonly all = new Set<RealtimeConnection>();
  private server?: Server;
  private heartbeat?: NodeJS.Timeout;
  private recheck?: NodeJS.Timeout;
  private stopSessionNotices?: () => void;
  private stopping = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly tokens: AccessTokenStrategy,
    private readonly sessions: SessionStore,
    private readonly streams: UserStreams,
    @Inject(realtimeConfig.token) private readonly config: RealtimeConfig,
    metrics: Metrics,
  ) {
    metrics.sampledGauge('skyro_realtime_connections', 'Open realtime WebSocket connections of this process (authenticated or not)', () => this.all.size);
    metrics.sampledGauge('skyro_realtime_users', 'Users with at least one authenticated realtime connection to this process', () => this.byUser.size);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: config.maxFrameBytes,
      perMessageDeflate: false, // a compression context per connection costs more memory than the frames save
      clientTracking: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  /** Connections open now (authenticated or not). */
  get connections(): number {
    return this.all.size;
  }

  onModuleInit(): void {
    const adapter = this.adapterHost.httpAdapter;
    if (!adapter) return;
    this.server = adapter.getHttpServer() as Server;
    this.server.on('upgrade', this.onUpgrade);
    // Before Fastify closes the server: the WebSocket connections are not requests it waits for.
    adapter.getInstance<FastifyInstance>().addHook('preClose', (done) => {
      this.closeAll(CloseCode.GOING_AWAY, 'SERVER_SHUTTING_DOWN');
      done();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.streams.listen((userId, id, frame) => {
      for (const connection of this.byUser.get(userId) ?? []) connection.deliver(id, frame);
    });
    this.stopSessionNotices = this.sessions.onChanged((ids) => {
      const held = ids.filter((id) => this.bySession.has(id));
      if (held.length) void this.checkSessions(held);
    });
    this.heartbeat = setInterval(() => this.beat(), this.config.heartbeatMs).unref();
    this.recheck = setInterval(() => void this.checkSessions([...this.bySession.keys()]), this.config.sessionRecheckMs).unref();
  }

  async onModuleDestroy(): Promise<void> {
    this.closeAll(CloseCode.GOING_AWAY, 'SERVER_SHUTTING_DOWN');
    this.server?.off('upgrade', this.onUpgrade);
    clearInterval(this.heartbeat);
    clearInterval(this.recheck);
    this.stopSessionNotices?.();
    await this.streams.close();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const path = (request.url ?? '').split('?')[0];
    if (path !== REALTIME_PATH) return refuseUpgrade(socket, 404, problem(404, 'NOT_FOUND', 'Not found', { detail: 'No WebSocket endpoint here' }));
    if (this.stopping) return refuseUpgrade(socket, 503, problem(503, 'SHUTTING_DOWN', 'Shutting down', { detail: 'Connect again' }), { 'Retry-After': '1' });
    const header = request.headers.authorization;
    if (header === undefined) return this.accept(request, socket, head);
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim())?.[1];
    if (!token) return refuseUpgrade(socket, 401, problem(401, 'INVALID_TOKEN', 'Unauthorized', { detail: 'Authorization must be Bearer <access token>' }));
    const lastEventId = request.headers['last-event-id'];
    const after = typeof lastEventId === 'string' && EventId.safeParse(lastEventId).success ? lastEventId : undefined;
    this.authenticate(token).then(
      (owner) => {
        if (owner instanceof Refusal) return refuseUpgrade(socket, owner.status, problem(owner.status, owner.reason, 'Unauthorized', { detail: owner.detail }));
        this.accept(request, socket, head, { owner, after });
      },
      (error: unknown) => {
        this.logger.error({ err: error }, 'realtime authentication failed');
        refuseUpgrade(socket, 503, problem(503, 'SERVICE_UNAVAILABLE', 'Service unavailable', { detail: 'Try again' }), { 'Retry-After': '1' });
      },
    );
  };

  private accept(request: IncomingMessage, socket: Duplex, head: Buffer, authenticated?: { owner: ConnectionOwner; after?: string }): void {
    if (socket.destroyed) return;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new RealtimeConnection(ws, this.config.maxBufferedBytes, this.config.maxMessagesPer10s, (c) => this.forget(c));
      this.all.add(connection);
      ws.on('pong', () => (connection.alive = true));
      ws.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
      ws.on('close', () => connection.markClosed());
      ws.on('error', () => connection.terminate());
      if (authenticated) void this.start(connection, authenticated.owner, authenticated.after);
      else connection.authTimer = setTimeout(() => connection.close(CloseCode.UNAUTHENTICATED, 'AUTHENTICATION_TIMEOUT'), this.config.authTimeoutMs);
    });
  }

  private onMessage(connection: RealtimeConnection, data: RawData, isBinary: boolean): void {
    connection.alive = true;
    if (connection.state === 'closed' || !connection.admit()) return;
    if (isBinary) return connection.close(CloseCode.UNSUPPORTED_DATA, 'TEXT_FRAMES_ONLY');
    const parsed = parseClientMessage(rawText(data));
    if (connection.state === 'authenticating') {
      // One `auth` and nothing else until `ready`: any other frame first is a protocol error.
      if (connection.verifying || 'error' in parsed || parsed.message.type !== 'auth') return connection.close(CloseCode.PROTOCOL_ERROR, 'AUTHENTICATE_FIRST');
      const { token, after } = parsed.message;
      connection.verifying = true;
      void this.authenticate(token).then(
        (owner) => {
          if (connection.state !== 'authenticating') return;
          if (owner instanceof Refusal) return connection.close(owner.code, owner.reason);
          void this.start(connection, owner, after);
        },
        (error: unknown) => {
          this.logger.error({ err: error }, 'realtime authentication failed');
          connection.close(CloseCode.INTERNAL_ERROR, 'TRY_AGAIN');
        },
      );
      return;
    }
    if ('error' in parsed) return connection.error(parsed.error.code, parsed.error.message);
    const message = parsed.message;
    switch (message.type) {
      case 'ping':
        return connection.send({ type: 'pong' });
      case 'resume':
        if (!connection.fresh) return connection.error('RESUME_TOO_LATE', 'resume only before the first event; reconnect to resume');
        return void this.replay(connection, message.after);
      case 'auth':
        return void this.refresh(connection, message.token);
    }
  }

  /** An authenticated connection: registered under its user, then replayed from `after` if given. */
  private async start(connection: RealtimeConnection, owner: ConnectionOwner, after: string | undefined): Promise<void> {
    clearTimeout(connection.authTimer);
    if (connection.state === 'closed') return;
    const mine = this.byUser.get(owner.userId);
    if (mine && mine.size >= this.config.maxConnectionsPerUser) return connection.close(CloseCode.TOO_MANY_CONNECTIONS, 'TOO_MANY_CONNECTIONS');
    connection.owner = owner;
    addTo(this.byUser, owner.userId, connection);
    addTo(this.bySession, owner.sessionId, connection);
    if (after === undefined) {
      connection.open();
      connection.send(ready(owner, 0, false));
      return;
    }
    await this.replay(connection, after, true);
  }

  private async replay(connection: RealtimeConnection, after: string, first = false): Promise<void> {
    connection.beginReplay();
    try {
      const { frames, gap } = await this.streams.history(connection.owner!.userId, after);
      if (first) connection.send(ready(connection.owner!, frames.length, gap));
      else connection.send({ type: 'resumed', replayed: frames.length, gap });
      connection.endReplay(frames);
    } catch (error) {
      this.logger.error({ err: error }, 'realtime history unavailable');
      connection.close(CloseCode.INTERNAL_ERROR, 'TRY_AGAIN');
    }
  }

  /** A fresh token for the same user extends the connection past the old token's expiry. */
  private async refresh(connection: RealtimeConnection, token: string): Promise<void> {
    const owner = await this.authenticate(token).catch(() => new Refusal(0, 'INVALID_TOKEN', 401, ''));
    if (connection.state === 'closed') return;
    if (owner instanceof Refusal) return connection.error('INVALID_TOKEN', 'The token is invalid or expired; the connection keeps the previous one');
    if (owner.userId !== connection.owner!.userId) return connection.error('WRONG_USER', "A connection stays its user's");
    removeFrom(this.bySession, connection.owner!.sessionId, connection);
    connection.owner = owner;
    addTo(this.bySession, owner.sessionId, connection);
    connection.send({ type: 'token-accepted', tokenExpiresAt: new Date(owner.tokenExpiresAt).toISOString() });
  }

  /** The token's user and session, or why it is refused. Unexpected failures (Redis down) reject. */
  private async authenticate(token: string): Promise<ConnectionOwner | Refusal> {
    let claims: VerifiedToken;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'unauthorized')
        return new Refusal(CloseCode.UNAUTHENTICATED, 'INVALID_TOKEN', 401, 'The access token is invalid or expired');
      throw error;
    }
    if (claims.kind !== 'user' || !claims.sessionId)
      return new Refusal(CloseCode.FORBIDDEN, 'USER_REQUIRED', 403, 'Realtime events are for users; service clients use webhooks');
    const session = await this.sessions.get(claims.sessionId);
    if (!session || session.userId !== claims.subject)
      return new Refusal(CloseCode.UNAUTHENTICATED, 'SESSION_REVOKED', 401, 'The session of this token has ended; log in again');
    return { userId: claims.subject, sessionId: claims.sessionId, tokenExpiresAt: claims.expiresAt * 1000 };
  }

  /** Closes the connections of the given sessions that have ended. */
  private async checkSessions(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      let session;
      try {
        session = await this.sessions.get(id);
      } catch {
        continue; // Redis unavailable: check again at the next notice or round
      }
      const held = this.bySession.get(id);
      if (!held) continue;
      for (const connection of [...held]) {
        if (!session || session.userId !== connection.owner?.userId) connection.close(CloseCode.SESSION_ENDED, 'SESSION_ENDED');
      }
    }
  }

  /**
   * Drops connections that did not answer the last ping, pings the others, ends expired
   * tokens; in slices of 500 with the event loop let through between them, so tens of
   * thousands of pings do not hold up the events being delivered meanwhile.
   */
  private beat(): void {
    const connections = [...this.all];
    const slice = (from: number) => {
      this.beatSlice(connections.slice(from, from + 500));
      if (from + 500 < connections.length) setImmediate(slice, from + 500);
    };
    slice(0);
  }

  private beatSlice(connections: readonly RealtimeConnection[]): void {
    const now = Date.now();
    for (const connection of connections) {
      if (connection.state === 'closed') continue;
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      if (connection.owner && connection.owner.tokenExpiresAt <= now) {
        connection.close(CloseCode.TOKEN_EXPIRED, 'TOKEN_EXPIRED');
        continue;
      }
      connection.alive = false;
      connection.ws.ping();
    }
  }

  private forget(connection: RealtimeConnection): void {
    this.all.delete(connection);
    if (!connection.owner) return;
    removeFrom(this.byUser, connection.owner.userId, connection);
    removeFrom(this.bySession, connection.owner.sessionId, connection);
  }

  private closeAll(code: number, reason: string): void {
    this.stopping = true;
    for (const connection of [...this.all]) connection.close(code, reason);
  }
}

function ready(owner: ConnectionOwner, replayed: number, gap: boolean): ReadyMessage {
  return { type: 'ready', userId: owner.userId, tokenExpiresAt: new Date(owner.tokenExpiresAt).toISOString(), replayed, gap };
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

/** An HTTP answer on the raw socket, instead of the upgrade (the request never reaches Fastify). */
function refuseUpgrade(socket: Duplex, status: number, body: object, headers: Record<string, string> = {}): void {
  if (socket.destroyed) return;
  const json = JSON.stringify(body);
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'Error';
  const lines = [
    `HTTP/1.1 ${status} ${reason}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}`,
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    ...(status === 401 ? ['WWW-Authenticate: Bearer'] : []),
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  socket.end(`${lines.join('\r\n')}\r\n\r\n${json}`);
}

function addTo(map: Map<string, Set<RealtimeConnection>>, key: string, connection: RealtimeConnection): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom(map: Map<string, Set<RealtimeConnection>>, key: string, connection: RealtimeConnection): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) map.delete(key);
}
