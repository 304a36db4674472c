import { Inject, Injectable } from '@nestjs/common';
import { notificationsConfig, type NotificationsConfig } from '@modules/notifications/notifications.config';
import { judgeAddress } from '../domain/address-policy';
import { HostResolver, type ResolvedAddress } from './host-resolver';

/** A URL cleared for one delivery: connect to `address` (never resolve `url`'s host again). */
export interface VettedTarget {
  readonly url: URL;
  readonly address: ResolvedAddress;
}

export type Vetting =
  | { readonly ok: true; readonly target: VettedTarget }
  | {
      readonly ok: false;
      readonly code: 'WEBHOOK_URL_NOT_HTTPS' | 'WEBHOOK_URL_INVALID' | 'WEBHOOK_URL_UNRESOLVABLE' | 'WEBHOOK_URL_FORBIDDEN';
      readonly reason: string;
    };

export type FormCheck = { readonly ok: true; readonly url: URL } | Extract<Vetting, { ok: false }>;

/**
 * The SSRF guard, at registration and before every attempt (DNS may have changed since):
 * an https URL (http only when tests allow it) without credentials, whose host resolves
 * only to public addresses. Every address of the answer is judged (one private answer is
 * enough to refuse), and the connection then goes to the first vetted address, pinned:
 * no second lookup a rebinding DNS server could answer differently.
 */
@Injectable()
export class UrlGuard {
  constructor(
    private readonly resolver: HostResolver,
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
  ) {}

  /** The URL's form only (no DNS): what registration refuses before resolving. */
  checkForm(raw: string): FormCheck {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, code: 'WEBHOOK_URL_INVALID', reason: 'must be an absolute URL' };
    }
    const schemes = this.config.webhooks.allowHttp ? ['https:', 'http:'] : ['https:'];
    if (!schemes.includes(url.protocol)) return { ok: false, code: 'WEBHOOK_URL_NOT_HTTPS', reason: 'must be an https URL' };
    if (url.username || url.password) return { ok: false, code: 'WEBHOOK_URL_INVALID', reason: 'must not contain credentials' };
    if (!url.hostname) return { ok: false, code: 'WEBHOOK_URL_INVALID', reason: 'must name a host' };
    return { ok: true, url };
  }

  async vet(raw: string): Promise<Vetting> {
    const form = this.checkForm(raw);
    if (!form.ok) return form;
    const url = form.url;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolver.resolve(host);
    } catch {
      return { ok: false, code: 'WEBHOOK_URL_UNRESOLVABLE', reason: 'its host does not resolve' };
    }
    if (addresses.length === 0) return { ok: false, code: 'WEBHOOK_URL_UNRESOLVABLE', reason: 'its host does not resolve' };
    for (const { address } of addresses) {
      const verdict = judgeAddress(address, { allowTestLoopback: this.config.webhooks.allowLoopback });
      if (!verdict.allowed) return { ok: false, code: 'WEBHOOK_URL_FORBIDDEN', reason: `its host resolves to a ${verdict.reason} address` };
    }
    return { ok: true, target: { url, address: addresses[0]! } };
  }
}
