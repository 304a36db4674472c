import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { openAead, sealAead } from '@platform/crypto/aead';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';

/** Development and tests only (production requires NOTIFICATIONS_WEBHOOKS_SECRET_KEY): a fixed, public key. */
const DEVELOPMENT_KEY = createHash('sha256').update('skyro development webhook secrets (not for production)').digest();

/**
 * Endpoint signing secrets (`whsec_` + base64 of 32 random bytes, Standard Webhooks'
 * form). They must be readable to sign, so they are stored encrypted (AES-256-GCM through
 * @platform/crypto/aead, the endpoint id as associated data: a secret copied onto another
 * endpoint does not decrypt).
 */
@Injectable()
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(@Inject(notificationsConfig.token) config: NotificationsConfig) {
    this.key = config.webhooks.secretKey ?? DEVELOPMENT_KEY;
  }

  generate(): string {
    return `whsec_${randomBytes(32).toString('base64')}`;
  }

  seal(endpointId: string, secret: string): Buffer {
    return sealAead(this.key, Buffer.from(secret, 'utf8'), endpointId);
  }

  open(endpointId: string, sealed: Buffer): string {
    return openAead(this.key, sealed, endpointId).toString('utf8');
  }
}
