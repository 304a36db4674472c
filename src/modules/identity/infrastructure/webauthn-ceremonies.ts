import { Inject, Injectable } from '@nestjs/common';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { DomainError } from '@shared-kernel';
import { Cache } from '@platform/cache/cache';
import { identityConfig, type IdentityConfig } from '../identity.config';
import type { Tx } from '@platform/database/unit-of-work';
import { newSecret, sha256 } from './secrets';

const CHALLENGE_TTL_MS = 5 * 60_000;

export const webauthnInvalid = (message = 'The passkey response could not be verified') => new DomainError('validation', 'WEBAUTHN_INVALID', message);

interface CredentialRow {
  id: string;
  user_id: string;
  public_key: Buffer;
  counter: string;
  transports: string[];
}

/**
 * WebAuthn ceremonies with @simplewebauthn/server: challenges live five minutes in the
 * cache and are single use; credentials (public key, signature counter) in Postgres.
 * User verification (biometric or device PIN) is required, so a passkey counts as two
 * factors.
 */
@Injectable()
export class WebAuthnCeremonies {
  constructor(
    private readonly cache: Cache,
    @Inject(identityConfig.token) private readonly config: IdentityConfig,
  ) {}

  private get rp() {
    return this.config.webauthn;
  }

  async registrationOptions(tx: Tx, userId: string, userName: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const { rows } = await tx.query<{ id: string; transports: string[] }>('select id, transports from identity.webauthn_credentials where user_id = $1', [
      userId,
    ]);
    const options = await generateRegistrationOptions({
      rpName: this.rp.rpName,
      rpID: this.rp.rpId,
      userName,
      userID: Buffer.from(userId.replace(/-/g, ''), 'hex'),
      attestationType: 'none',
      excludeCredentials: rows.map((r) => ({ id: r.id, transports: r.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
    });
    await this.cache.set(`webauthn-reg:${userId}`, options.challenge, CHALLENGE_TTL_MS);
    return options;
  }

  async verifyRegistration(tx: Tx, userId: string, response: RegistrationResponseJSON, name: string): Promise<{ id: string }> {
    const challenge = await this.takeChallenge(`webauthn-reg:${userId}`);
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: [...this.rp.origins],
      expectedRPID: this.rp.rpId,
      requireUserVerification: true,
    }).catch(() => ({ verified: false as const }));
    if (!result.verified) throw webauthnInvalid();
    const info = result.registrationInfo;
    const inserted = await tx.query(
      `insert into identity.webauthn_credentials (id, user_id, public_key, counter, transports, device_type, backed_up, name)
       values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (id) do nothing`,
      [
        info.credential.id,
        userId,
        Buffer.from(info.credential.publicKey),
        info.credential.counter,
        info.credential.transports ?? [],
        info.credentialDeviceType,
        info.credentialBackedUp,
        name,
      ],
    );
    if (inserted.rowCount === 0) throw new DomainError('conflict', 'PASSKEY_ALREADY_REGISTERED', 'This passkey is already registered');
    return { id: info.credential.id };
  }

  /** Options for a sign-in (any discoverable passkey) or a step-up (the user's own passkeys). */
  async authenticationOptions(tx: Tx, userId?: string): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
    const allow = userId
      ? (await tx.query<{ id: string; transports: string[] }>('select id, transports from identity.webauthn_credentials where user_id = $1', [userId])).rows
      : [];
    if (userId && allow.length === 0) throw new DomainError('unprocessable', 'MFA_NOT_ENROLLED', 'No passkey is registered');
    const options = await generateAuthenticationOptions({
      rpID: this.rp.rpId,
      userVerification: 'required',
      ...(userId ? { allowCredentials: allow.map((c) => ({ id: c.id, transports: c.transports })) } : {}),
    });
    const challengeId = newSecret('skr_wa');
    await this.cache.set(authKey(challengeId), JSON.stringify({ challenge: options.challenge, userId: userId ?? null }), CHALLENGE_TTL_MS);
    return { challengeId, options };
  }

  /** Verifies an assertion; returns the credential's owner. Counter regressions (a cloned key) are refused. */
  async verifyAuthentication(tx: Tx, challengeId: string, response: AuthenticationResponseJSON): Promise<{ userId: string; credentialId: string }> {
    const stored = JSON.parse(await this.takeChallenge(authKey(challengeId))) as { challenge: string; userId: string | null };
    const { rows } = await tx.query<CredentialRow>(
      'select id, user_id, public_key, counter, transports from identity.webauthn_credentials where id = $1 for update',
      [String(response.id)],
    );
    const credential = rows[0];
    if (!credential || (stored.userId && credential.user_id !== stored.userId)) throw webauthnInvalid();
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: stored.challenge,
      expectedOrigin: [...this.rp.origins],
      expectedRPID: this.rp.rpId,
      credential: {
        id: credential.id,
        publicKey: new Uint8Array(credential.public_key),
        counter: Number(credential.counter),
        transports: credential.transports,
      },
      requireUserVerification: true,
    }).catch(() => ({ verified: false as const, authenticationInfo: undefined }));
    if (!result.verified || !result.authenticationInfo) throw webauthnInvalid();
    await tx.query('update identity.webauthn_credentials set counter = $2, last_used_at = now() where id = $1', [
      credential.id,
      result.authenticationInfo.newCounter,
    ]);
    return { userId: credential.user_id, credentialId: credential.id };
  }

  private async takeChallenge(key: string): Promise<string> {
    const value = await this.cache.get(key);
    if (!value) throw webauthnInvalid('The passkey challenge is unknown or expired; start again');
    await this.cache.delete(key);
    return value;
  }
}

const authKey = (challengeId: string) => `webauthn-auth:${sha256(challengeId).toString('hex')}`;
