import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';

/** Development and tests only (production requires NOTIFICATIONS_WEBHOOKS_SECRET_KEY): a fixed, public key. */
const DEVELOPMENT_KEY = createHash('sha256').update('skyro development webhook secrets (not for production)').digest();
const VERSION = 1;

/**
 * Endpoint signing secrets (`whsec_` + base64 of 32 random bytes, Standard Webhooks'
 * form). They must be readable to sign, so they are stored encrypted (AES-256-GCM, the
 * endpoint id as associated data: a secret copied onto another endpoint does not decrypt).
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
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(endpointId));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
  }

  open(endpointId: string, sealed: Buffer): string {
    if (sealed[0] !== VERSION) throw new Error('unknown webhook secret format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(1, 13));
    decipher.setAAD(Buffer.from(endpointId));
    decipher.setAuthTag(sealed.subarray(13, 29));
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]).toString('utf8');
  }
}
