import { Injectable } from '@nestjs/common';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { DomainError, NotFoundError } from '@shared-kernel';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { AuditLog } from '@modules/identity/infrastructure/audit-log';
import { SessionTokens, type TokenSet } from '@modules/identity/infrastructure/session-tokens';
import { userNotFound, UserRecords } from '@modules/identity/infrastructure/user-records';
import { WebAuthnCeremonies } from '@modules/identity/infrastructure/webauthn-ceremonies';
import { assertMaySignIn } from '../login/login';
import type { RequestMeta } from '../request-meta';
import { StepUp } from '../step-up/step-up';

export interface PasskeyView {
  readonly id: string;
  readonly name: string;
  readonly deviceType: string;
  readonly backedUp: boolean;
  readonly createdAt: string;
  readonly lastUsedAt: string | null;
}

const passkeyNotFound = () => new NotFoundError('PASSKEY_NOT_FOUND', 'No such passkey');

/** Passkeys (WebAuthn): register one, sign in with one (device-bound, biometric), step up with one, list and remove. */
@Injectable()
export class Passkeys {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly users: UserRecords,
    private readonly ceremonies: WebAuthnCeremonies,
    private readonly sessions: SessionTokens,
    private readonly stepUp: StepUp,
    private readonly audit: AuditLog,
  ) {}

  registrationOptions(userId: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    return this.uow.run(async (tx) => {
      const user = await this.users.byId(tx, userId);
      const personal = user ? await this.users.personalData(tx, user) : null;
      if (!personal) throw userNotFound();
      return this.ceremonies.registrationOptions(tx, userId, personal.email);
    });
  }

  register(userId: string, response: RegistrationResponseJSON, name: string, meta: RequestMeta): Promise<{ id: string }> {
    return this.uow.run(async (tx) => {
      const created = await this.ceremonies.verifyRegistration(tx, userId, response, name);
      await this.audit.append(tx, { type: 'webauthn.registered', actorId: userId, subjectId: userId, ip: meta.ip, details: { credentialId: created.id } });
      return created;
    });
  }

  loginOptions(): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    return this.uow.run((tx) => this.ceremonies.authenticationOptions(tx));
  }

  login(challengeId: string, response: AuthenticationResponseJSON, meta: RequestMeta): Promise<TokenSet> {
    return this.uow.run(async (tx) => {
      const { userId, credentialId } = await this.ceremonies.verifyAuthentication(tx, challengeId, response);
      const user = await this.users.byId(tx, userId);
      if (!user) throw userNotFound();
      assertMaySignIn(user);
      const amr = ['hwk', 'user', 'mfa'];
      await this.audit.append(tx, { type: 'login.succeeded', actorId: userId, subjectId: userId, ip: meta.ip, details: { amr, credentialId } });
      return this.sessions.start({ userId, roles: user.roles, amr, secondFactor: true, ...meta }, tx);
    });
  }

  stepUpOptions(userId: string): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    return this.uow.run((tx) => this.ceremonies.authenticationOptions(tx, userId));
  }

  async stepUpWithPasskey(
    userId: string,
    sessionId: string,
    challengeId: string,
    response: AuthenticationResponseJSON,
    meta: RequestMeta,
  ): Promise<{ secondFactorAt: string }> {
    await this.uow.run(async (tx) => {
      const verified = await this.ceremonies.verifyAuthentication(tx, challengeId, response);
      if (verified.userId !== userId) throw new DomainError('validation', 'WEBAUTHN_INVALID', 'The passkey response could not be verified');
      await this.audit.append(tx, { type: 'mfa.step_up', actorId: userId, subjectId: userId, ip: meta.ip, details: { method: 'passkey', sessionId } });
    });
    return this.stepUp.record(sessionId);
  }

  async list(userId: string): Promise<PasskeyView[]> {
    const { rows } = await this.uow.query<{ id: string; name: string; device_type: string; backed_up: boolean; created_at: Date; last_used_at: Date | null }>(
      'select id, name, device_type, backed_up, created_at, last_used_at from identity.webauthn_credentials where user_id = $1 order by created_at',
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      deviceType: r.device_type,
      backedUp: r.backed_up,
      createdAt: r.created_at.toISOString(),
      lastUsedAt: r.last_used_at?.toISOString() ?? null,
    }));
  }

  /** Removes one of the caller's own passkeys; someone else's is "not found". */
  async remove(userId: string, credentialId: string, meta: RequestMeta): Promise<void> {
    await this.uow.run(async (tx) => {
      const { rowCount } = await tx.query('delete from identity.webauthn_credentials where id = $1 and user_id = $2', [credentialId, userId]);
      if (rowCount === 0) throw passkeyNotFound();
      await this.audit.append(tx, { type: 'webauthn.removed', actorId: userId, subjectId: userId, ip: meta.ip, details: { credentialId } });
    });
  }
}
