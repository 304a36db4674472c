import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly to: string[];
  readonly subject: string;
  readonly html: string;
  readonly text: string;
  readonly messageId: string;
  readonly skyroMessageId: string;
}

/** What the server answers to RCPT TO: accept, or an SMTP reply code (451 busy, 550 no such user). */
export type SmtpMode = 'accept' | 451 | 550;

/**
 * A real SMTP server on 127.0.0.1 (the `smtp-server` package) that keeps every message it
 * accepted, parsed back with mailparser: what a provider really put on the wire.
 */
export class SmtpTestServer {
  readonly received: ReceivedMail[] = [];
  mode: SmtpMode = 'accept';
  private readonly server: SMTPServer;
  private port = 0;

  constructor() {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === 'accept') return callback();
        const error = new Error(this.mode === 451 ? 'Try again later' : 'No such user') as Error & { responseCode: number };
        error.responseCode = this.mode;
        return callback(error);
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail: ParsedMail) => {
            const to = [mail.to ?? []].flat().flatMap((a) => a.value.map((v) => v.address ?? ''));
            this.received.push({
              to,
              subject: mail.subject ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              text: mail.text ?? '',
              messageId: mail.messageId ?? '',
              skyroMessageId: headerText(mail.headers.get('x-skyro-message-id')),
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
  }

  async start(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server as unknown as { server: { address(): AddressInfo } }).server.address().port;
    return this;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.includes(address));
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function headerText(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
