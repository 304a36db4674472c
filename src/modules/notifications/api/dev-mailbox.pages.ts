import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DevMailbox } from '../channels/email/dev-mailbox';
import { notificationsConfig, type NotificationsConfig } from '../notifications.config';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The development mailbox's pages: GET /dev/mailbox (every message, newest first, each a
 * link to its page) and GET /dev/mailbox/<id> (the message's HTML as sent, links clickable).
 * Registered only when NODE_ENV is not production, as plain Fastify routes outside /v1 and
 * outside the OpenAPI document (a development aid, not an API). No sign-in: it holds only
 * what this development process itself sent.
 */
@Injectable()
export class DevMailboxPages implements OnModuleInit {
  private readonly mailbox: DevMailbox;

  constructor(
    @Inject(notificationsConfig.token) private readonly config: NotificationsConfig,
    private readonly adapter: HttpAdapterHost,
  ) {
    this.mailbox = new DevMailbox(config.mailboxDir);
  }

  onModuleInit(): void {
    if (this.config.env === 'production') return;
    const fastify = this.adapter.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.get('/dev/mailbox', async (_request, reply) => this.page(reply, await this.list()));
    fastify.get<{ Params: { id: string } }>('/dev/mailbox/:id', async (request, reply) => {
      const message = await this.mailbox.get(request.params.id);
      if (!message) return this.page(reply.code(404), '<!doctype html><html><body><h1>Not found</h1><p><a href="/dev/mailbox">Mailbox</a></p></body></html>');
      const html = message.html ?? `<!doctype html><html><body><h1>${escape(message.subject)}</h1><pre>${escape(message.text)}</pre></body></html>`;
      return this.page(reply, html);
    });
  }

  private async list(): Promise<string> {
    const messages = await this.mailbox.list();
    const rows = messages
      .map(
        (m) =>
          `<li><a href="/dev/mailbox/${escape(m.id)}">${escape(m.subject || '(no subject)')}</a> <small>to ${escape(m.to)}, <time>${escape(m.at)}</time></small></li>`,
      )
      .join('\n');
    return `<!doctype html><html><head><meta charset="utf-8"><title>Development mailbox</title></head><body>
<h1>Development mailbox</h1>
<p>Email this development server sent (no SMTP server is configured). Newest first.</p>
${messages.length ? `<ul>\n${rows}\n</ul>` : '<p>No messages yet.</p>'}
</body></html>`;
  }

  private page(reply: FastifyReply, html: string): FastifyReply {
    return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
  }
}
