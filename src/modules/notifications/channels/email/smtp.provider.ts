import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider';

/** SMTP errors nodemailer reports without a reply code: the connection, not the message, failed. */
const CONNECTION_ERRORS = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPROTOCOL',
  'EENVELOPE',
  'EMESSAGE',
  'ESTREAM',
]);

/**
 * Email over SMTP (nodemailer), one server per provider (primary, secondary). The SMTP
 * reply decides the outcome: 2xx accepted, 4xx transient (greylisting, mailbox busy, rate
 * limits), 5xx permanent (no such user, rejected); a connection that fails or times out is
 * transient. The reason recorded is the reply code or error code, never the server's text
 * (it can echo the address).
 */
export class SmtpEmailProvider implements ChannelProvider {
  readonly channel = 'email' as const;
  private readonly transport: Transporter;

  constructor(
    readonly name: string,
    url: string,
    private readonly from: string,
    timeoutMs: number,
  ) {
    // nodemailer reads `url` from the options object too, with the timeouts beside it.
    this.transport = nodemailer.createTransport({
      url,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
      debug: false,
    } as SMTPTransport.Options);
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    const started = performance.now();
    const latencyMs = () => Math.round(performance.now() - started);
    try {
      const info = (await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: `<${message.messageId}@skyro.notifications>`,
        headers: { 'X-Skyro-Message-Id': message.messageId },
      })) as { messageId?: string; rejected?: unknown[] };
      if (Array.isArray(info.rejected) && info.rejected.length > 0) return { kind: 'permanent', reason: 'SMTP_RECIPIENT_REJECTED', latencyMs: latencyMs() };
      return { kind: 'accepted', providerMessageId: info.messageId ?? message.messageId, latencyMs: latencyMs() };
    } catch (error) {
      const { responseCode, code } = (error ?? {}) as { responseCode?: number; code?: string };
      if (typeof responseCode === 'number') {
        if (responseCode >= 400 && responseCode < 500) return { kind: 'transient', reason: `SMTP_${responseCode}`, latencyMs: latencyMs() };
        if (responseCode >= 500) return { kind: 'permanent', reason: `SMTP_${responseCode}`, latencyMs: latencyMs() };
      }
      if (code && CONNECTION_ERRORS.has(code)) return { kind: 'transient', reason: `SMTP_${code}`, latencyMs: latencyMs() };
      return { kind: 'transient', reason: 'SMTP_ERROR', latencyMs: latencyMs() };
    }
  }

  close(): void {
    this.transport.close();
  }
}
