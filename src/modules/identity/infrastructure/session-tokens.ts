import { Inject, Injectable } from '@nestjs/common';
import { DomainError, newId } from '@shared-kernel';
import { AccessTokens } from '@platform/auth/access-tokens';
import type { Role } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';
import { APP_CONFIG, type AppConfig } from '@platform/config/app-config';
import { UnitOfWork, type Tx } from '@platform/database/unit-of-work';
import { AuditLog } from './audit-log';
import { newSecret, sha256 } from './secrets';

export interface TokenSet {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly sessionId: string;
  readonly scopes: readonly string[];
}

export interface SessionStart {
  readonly userId: string;
  readonly roles: readonly Role[];
  /** RFC 8176 methods: pwd, otp, hwk, user... */
  readonly amr: readonly string[];
  /** The sign-in included a second factor (TOTP, recovery code, passkey with user verification). */
  readonly secondFactor: boolean;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** Sessions started through an OAuth client (authorization code) are bound to it. */
  readonly clientId?: string;
  readonly scopes?: readonly string[];
}

export const invalidGrant = (message = 'The grant is invalid, expired or revoked') =>
  new DomainError('validation', 'INVALID_GRANT', message, { extensions: { error: 'invalid_grant' } });

interface FamilyRow {
  family_id: string;
  rotated_at: Date | null;
  user_id: string;
  client_id: string | null;
  scopes: string[];
  amr: string[];
  expires_at: Date;
  revoked_at: Date | null;
  status: string;
}

/**
 * Login sessions and their tokens (ADR 0009). A session is a Redis entry (read by the
 * auth guard on every request) plus a refresh-token family in Postgres whose id is the
 * session id. Refresh tokens are opaque, stored as SHA-256, and rotated on every use; a
 * rotated token presented again means it was stolen (or replayed), so the whole family
 * and its session are revoked.
 */
@Injectable()
export class SessionTokens {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly sessions: SessionStore,
    private readonly accessTokens: AccessTokens,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Starts a session; `tx` (when given) also holds the caller's audit entry and state changes. */
  async start(request: SessionStart, tx?: Tx): Promise<TokenSet> {
    const sessionId = newId();
    const refreshToken = newSecret('skr_rt');
    const ttlSeconds = this.config.auth.refreshTokenTtlSeconds;
    const write = async (t: Tx) => {
      await t.query(
        `insert into identity.refresh_token_families (id, user_id, client_id, scopes, amr, expires_at)
         values ($1, $2, $3, $4, $5, now() + $6 * interval '1 second')`,
        [sessionId, request.userId, request.clientId ?? null, request.scopes ?? [], request.amr, ttlSeconds],
      );
      await t.query('insert into identity.refresh_tokens (token_hash, family_id) values ($1, $2)', [sha256(refreshToken), sessionId]);
    };
    if (tx) await write(tx);
    else await this.uow.run(write);
    const now = Date.now();
    await this.sessions.create({
      id: sessionId,
      userId: request.userId,
      roles: request.roles,
      createdAt: now,
      ip: request.ip,
      userAgent: request.userAgent?.slice(0, 256) ?? null,
      secondFactorAt: request.secondFactor ? now : null,
    });
    const access = await this.accessTokens.issue({
      subject: request.userId,
      roles: request.roles,
      sessionId,
      amr: request.amr,
      ...(request.clientId ? { clientId: request.clientId, scopes: request.scopes ?? [] } : {}),
    });
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken, sessionId, scopes: request.scopes ?? [] };
  }

  /** Rotates a refresh token. `clientId`: the authenticated client presenting it, if any. */
  async refresh(refreshToken: string, clientId: string | null): Promise<TokenSet> {
    const outcome = await this.uow.run(async (tx) => {
      const { rows } = await tx.query<FamilyRow & Record<string, unknown>>(
        `select t.family_id, t.rotated_at, f.user_id, f.client_id, f.scopes, f.amr, f.expires_at, f.revoked_at, u.status
         from identity.refresh_tokens t
         join identity.refresh_token_families f on f.id = t.family_id
         join identity.users u on u.id = f.user_id
         where t.token_hash = $1
         for update of t, f`,
        [sha256(refreshToken)],
      );
      const row = rows[0];
      if (!row || row.revoked_at) return { kind: 'invalid' as const };
      if ((row.client_id ?? null) !== clientId) return { kind: 'invalid' as const };
      if (row.rotated_at) {
        await this.revokeFamilies(tx, [row.family_id], 'refresh_token_reuse');
        await this.audit.append(tx, { type: 'refresh_token.reuse_detected', subjectId: row.user_id, details: { sessionId: row.family_id } });
        return { kind: 'reused' as const, sessionId: row.family_id };
      }
      if (row.expires_at.getTime() <= Date.now() || row.status !== 'active') return { kind: 'invalid' as const };
      const session = await this.sessions.get(row.family_id);
      if (!session || session.userId !== row.user_id) {
        await this.revokeFamilies(tx, [row.family_id], 'session_ended');
        return { kind: 'invalid' as const };
      }
      const next = newSecret('skr_rt');
      await tx.query('update identity.refresh_tokens set rotated_at = now() where token_hash = $1', [sha256(refreshToken)]);
      await tx.query('insert into identity.refresh_tokens (token_hash, family_id) values ($1, $2)', [sha256(next), row.family_id]);
      return { kind: 'rotated' as const, next, row, roles: session.roles };
    });
    if (outcome.kind === 'reused') {
      await this.sessions.revoke(outcome.sessionId);
      throw invalidGrant();
    }
    if (outcome.kind === 'invalid') throw invalidGrant();
    const { row, next, roles } = outcome;
    const access = await this.accessTokens.issue({
      subject: row.user_id,
      roles,
      sessionId: row.family_id,
      amr: row.amr,
      ...(row.client_id ? { clientId: row.client_id, scopes: row.scopes } : {}),
    });
    return { accessToken: access.token, expiresIn: access.expiresIn, refreshToken: next, sessionId: row.family_id, scopes: row.scopes };
  }

  /**
   * Ends sessions: their access tokens stop at once (guard), their refresh tokens with them.
   * The cache entries go first, inside the caller's transaction: should it roll back, the
   * sessions are ended anyway (failing safe), and the caller's answer is never ahead of them.
   */
  async revokeSessions(tx: Tx, sessionIds: readonly string[], reason: string): Promise<void> {
    if (sessionIds.length === 0) return;
    await Promise.all(sessionIds.map((id) => this.sessions.revoke(id)));
    await this.revokeFamilies(tx, sessionIds, reason);
  }

  /** Every session of a user (except `keep`); returns the ended ids. */
  async revokeAllSessions(tx: Tx, userId: string, reason: string, keep?: string): Promise<string[]> {
    const { rows } = await tx.query<{ id: string }>(
      `update identity.refresh_token_families set revoked_at = now(), revoked_reason = $3
       where user_id = $1 and revoked_at is null and ($2::uuid is null or id <> $2::uuid) returning id`,
      [userId, keep ?? null, reason],
    );
    const live = await this.sessions.revokeAll(userId, keep);
    return [...new Set([...rows.map((r) => r.id), ...live])];
  }

  private async revokeFamilies(tx: Tx, ids: readonly string[], reason: string): Promise<void> {
    await tx.query('update identity.refresh_token_families set revoked_at = now(), revoked_reason = $2 where id = any($1::uuid[]) and revoked_at is null', [
      ids,
      reason,
    ]);
  }
}
