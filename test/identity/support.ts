import { defineContext } from '@platform/context-definition';
import { randomUUID } from 'node:crypto';
import { Injectable, Module } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { TOTP, Secret } from 'otpauth';
import type { EventEnvelope } from '@shared-kernel';
import {
  GetNotificationContentQuery,
  NotificationRequested,
  UserClosed,
  UserLocked,
  UserProfileChanged,
  UserRegistered,
  UserRolesChanged,
  UserUnlocked,
  UserVerified,
  type NotificationContentView,
} from '@modules/identity/contract';
import { identityContext } from '@modules/identity/identity.context';
import { AccessTokens } from '@platform/auth/access-tokens';
import type { Role } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';
import { contextSchemaSql } from '@platform/database/context-schema';
import type { Tx } from '@platform/database/unit-of-work';
import { OnIntegrationEvent, type IntegrationEventHandler } from '@platform/messaging/subscriptions';
import { startTestApp, eventually, type TestApp } from '../support/app';
import { bearer, loginAs } from '../support/auth';
import { createTestDatabase, sql } from '../support/database';

export interface Mail extends NotificationContentView {
  readonly userId: string;
}

/**
 * Stands in for the notifications context: it consumes identity's NotificationRequested
 * events and fetches their content through the contract query, exactly as the real one
 * will, so tests receive verification and reset links the production way.
 */
export const mailbox: Mail[] = [];

@Injectable()
@OnIntegrationEvent({ context: 'test_mailbox', name: 'capture', events: [NotificationRequested] })
class CaptureMail implements IntegrationEventHandler<{ notificationId: string; userId: string }> {
  constructor(private readonly queries: QueryBus) {}

  async handle(event: EventEnvelope<{ notificationId: string; userId: string }>, _tx: Tx): Promise<void> {
    const content = await this.queries.execute(new GetNotificationContentQuery({ notificationId: event.data.notificationId }));
    if (content) mailbox.push({ ...content, userId: event.data.userId });
  }
}

@Module({ providers: [CaptureMail] })
class TestMailboxModule {}

/**
 * The mailbox as a context, for tests that run identity beside other contexts (its schema:
 * `contextSchemaSql('test_mailbox')`), as startIdentityApp installs it.
 */
export const testMailbox = defineContext({ name: 'test_mailbox', module: TestMailboxModule, dependsOn: ['identity'] });

/** Every event identity publishes, captured in process for assertions. */
export const published: EventEnvelope[] = [];

@Injectable()
@OnIntegrationEvent({
  context: 'test_mailbox',
  name: 'user-events',
  events: [UserRegistered, UserVerified, UserProfileChanged, UserLocked, UserUnlocked, UserClosed, UserRolesChanged],
})
class CaptureUserEvents implements IntegrationEventHandler {
  async handle(event: EventEnvelope): Promise<void> {
    published.push(event);
  }
}

@Module({ providers: [CaptureUserEvents] })
class TestEventsModule {}

export interface IdentityTestApp {
  readonly t: TestApp;
  readonly dbUrl: string;
  close(): Promise<void>;
}

/** A fresh database, the identity context and the test mailbox, on real Postgres and Redis. */
export async function startIdentityApp(options: { env?: Record<string, string>; logger?: Logger; kafkaTopicPrefix?: string } = {}): Promise<IdentityTestApp> {
  const db = await createTestDatabase();
  await sql(db.url, contextSchemaSql('test_mailbox').join(';\n'));
  const t = await startTestApp({
    contexts: [
      identityContext,
      defineContext({ name: 'test_mailbox', module: TestMailboxModule }),
      defineContext({ name: 'test_events', module: TestEventsModule }),
    ],
    databaseUrl: db.url,
    redis: true,
    ...(options.kafkaTopicPrefix ? { kafkaTopicPrefix: options.kafkaTopicPrefix } : {}),
    // Cheaper argon2 keeps the suite fast; production parameters are measured in bench/auth.ts.
    env: { IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1', ...options.env },
    logger: options.logger,
  });
  return {
    t,
    dbUrl: db.url,
    async close() {
      await t.close();
      await db.drop();
    },
  };
}

export const PASSWORD = 'Violet-Harbour-Lantern-42';

export const uniqueEmail = (tag = 'user') => `${tag}.${randomUUID().slice(0, 8)}@example.com`;

/** The latest message of `template` sent to `email` (waits for the outbox relay). */
export async function mailTo(email: string, template: Mail['template']): Promise<Mail> {
  const found = await eventually(
    // Identity stores addresses in NFC, whatever form they were typed in.
    async () => [...mailbox].reverse().find((m) => m.recipient.email === email.trim().normalize('NFC') && m.template === template),
    (m) => m !== undefined,
  );
  if (!found) throw new Error(`no ${template} message for ${email}`);
  return found;
}

export interface SignedUp {
  readonly email: string;
  readonly password: string;
  readonly userId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Registers, verifies the email through the mailbox, and signs in. */
export async function signUp(t: TestApp, overrides: { email?: string; password?: string; name?: string; phone?: string } = {}): Promise<SignedUp> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? PASSWORD;
  const res = await t
    .http()
    .post('/v1/auth/register')
    .send({ email, password, name: overrides.name ?? 'Test User', ...(overrides.phone ? { phone: overrides.phone } : {}) });
  if (res.status !== 202) throw new Error(`register: ${res.status} ${JSON.stringify(res.body)}`);
  const mail = await mailTo(email, 'verify-email');
  const verified = await t.http().post('/v1/auth/verify-email').send({ token: mail.variables['token'] });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  const tokens = await login(t, email, password);
  return { email, password, userId: mail.userId, accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}

export async function login(t: TestApp, email: string, password: string): Promise<{ access_token: string; refresh_token: string }> {
  const res = await t.http().post('/v1/auth/login').send({ email, password });
  if (res.status !== 200 || res.body.status !== 'authenticated') throw new Error(`login: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.tokens;
}

/** A staff member: a real identity user with `roles`, and a session that did a second factor just now. */
export async function staff(app: IdentityTestApp, roles: readonly Role[]): Promise<{ userId: string; token: string }> {
  const user = await signUp(app.t, { email: uniqueEmail(roles.join('-').replace(/_/g, '-')) });
  await sql(app.dbUrl, 'update identity.users set roles = $2 where id = $1', [user.userId, roles]);
  const { token } = await loginAs(app.t.app, user.userId, roles, { secondFactorAt: Date.now() });
  return { userId: user.userId, token };
}

/** A session of `userId` that signed in `ageMs` ago and never did a second factor. */
export async function oldSession(app: IdentityTestApp, userId: string, ageMs = 10 * 60_000): Promise<string> {
  const sessionId = randomUUID();
  await app.t.app
    .get(SessionStore)
    .create({ id: sessionId, userId, roles: ['customer'], createdAt: Date.now() - ageMs, ip: null, userAgent: 'test', secondFactorAt: null });
  return (await app.t.app.get(AccessTokens).issue({ subject: userId, roles: ['customer'], sessionId })).token;
}

export function totpNow(secret: string, timestamp = Date.now()): string {
  return new TOTP({ algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) }).generate({ timestamp });
}

export { bearer };
