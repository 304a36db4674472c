import { mkdir, readdir, readFile, writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChannelProvider, OutboundMessage, SendOutcome } from '../channel-provider';

export interface MailboxMessage {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly html: string | null;
  readonly text: string;
  readonly at: string;
}

const ID = /^[0-9a-f-]{36}$/;

/**
 * The development mailbox: with no SMTP configured (and never in production), email is kept
 * as one JSON file per message under `.data/mailbox/` (NOTIFICATIONS_MAILBOX_DIR) and shown at
 * GET /dev/mailbox, so `npm start` alone lets a new user register and click the link.
 */
export class DevMailbox implements ChannelProvider {
  readonly name = 'dev-mailbox';
  readonly channel = 'email' as const;

  constructor(readonly dir: string) {}

  async send(message: OutboundMessage): Promise<SendOutcome> {
    const started = performance.now();
    const stored: MailboxMessage = {
      id: message.messageId,
      to: message.to,
      subject: message.subject ?? '',
      html: message.html ?? null,
      text: message.text,
      at: new Date().toISOString(),
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Written whole, then renamed: the page never reads half a message.
    const file = join(this.dir, `${message.messageId}.json`);
    await writeFile(`${file}.tmp`, JSON.stringify(stored), { mode: 0o600 });
    await rename(`${file}.tmp`, file);
    return { kind: 'accepted', providerMessageId: message.messageId, delivered: true, latencyMs: Math.round(performance.now() - started) };
  }

  /** Every message, newest first. */
  async list(): Promise<MailboxMessage[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const messages = await Promise.all(
      names.filter((n) => n.endsWith('.json')).map(async (n) => JSON.parse(await readFile(join(this.dir, n), 'utf8')) as MailboxMessage),
    );
    return messages.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : b.id.localeCompare(a.id)));
  }

  async get(id: string): Promise<MailboxMessage | null> {
    if (!ID.test(id)) return null;
    try {
      return JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')) as MailboxMessage;
    } catch {
      return null;
    }
  }
}
