import { eventually } from '../support/app';
import { bearer } from '../support/auth';
import { sql } from '../support/database';
import { signUp } from '../identity/support';
import { payoutReturned, publishPaymentsEvents, startWebhooksWorld, type WebhooksWorld } from './webhooks-support';

/*
 * Payments' events reach their owner as messages: published through the payments outbox (a
 * deployment where payments runs elsewhere looks the same to notifications), consumed through
 * the notifications inbox, rendered from the shipped templates.
 */
describe("notifications: messages from payments' events", () => {
  let w: WebhooksWorld;
  beforeAll(async () => {
    w = await startWebhooksWorld();
  });
  afterAll(async () => {
    await w?.close();
  });

  it('a returned payout becomes an in-app item (and a push) for its owner, the fee kept, without references', async () => {
    const owner = await signUp(w.t);
    const event = payoutReturned(owner.userId);
    await publishPaymentsEvents(w.t, [event]);
    const inbox = async () =>
      (await w.t.http().get('/v1/notifications?filter=all&limit=100').set(bearer(owner.accessToken))).body.items as Array<{ title: string; body: string }>;
    const items = await eventually(inbox, (i) => i.some((x) => x.title === 'Payment returned'));
    expect(items.filter((x) => x.title === 'Payment returned')).toEqual([
      {
        ...items.find((x) => x.title === 'Payment returned')!,
        body: 'The receiving bank returned your payment of 125.00 EUR. The money is back in your account; the fee of 0.25 EUR stays charged.',
      },
    ]);
    const messages = () =>
      sql<{ channel: string }>(
        w.dbUrl,
        `select channel from notifications.messages where user_id = $1 and template_key = 'payment-returned' order by channel`,
        [owner.userId],
      );
    expect((await messages()).map((m) => m.channel)).toEqual(['in_app', 'push']);
    expect(JSON.stringify(items)).not.toMatch(/PRV-REF-1|Jane Doe|staff note/);
  });
});
