import { kafkaPrefix } from '../support/app';
import { readTopic } from '../support/kafka';
import { bearer, mailTo, signUp, startIdentityApp, type IdentityTestApp } from './support';

describe('identity: events through the outbox to Kafka', () => {
  const prefix = kafkaPrefix('identity');
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp({ kafkaTopicPrefix: prefix });
  });
  afterAll(() => app?.close());

  it('publishes user.events keyed by user id, with ids only, and notification requests without tokens or addresses', async () => {
    const user = await signUp(app.t, { name: 'Kafka Kim', phone: '+447700900777' });
    await app.t.http().patch('/v1/users/me').set(bearer(user.accessToken)).send({ nationalId: 'QQ765432A' });
    const messages = (await readTopic(`${prefix}user.events`, { count: 3 })).filter((m) => m.key === user.userId);
    expect(messages.map((m) => JSON.parse(m.value).type)).toEqual([
      'identity.user-registered.v1',
      'identity.user-verified.v1',
      'identity.user-profile-changed.v1',
    ]);
    expect(JSON.parse(messages[2]!.value).data).toEqual({ userId: user.userId, fields: ['nationalId'] });

    const verification = await mailTo(user.email, 'verify-email');
    const dispatch = (await readTopic(`${prefix}notifications.dispatch`, { count: 1 })).filter((m) => m.key === user.userId);
    expect(JSON.parse(dispatch[0]!.value)).toMatchObject({
      type: 'identity.notification-requested.v1',
      data: { userId: user.userId, template: 'verify-email', channel: 'email' },
    });
    const everything = [...messages, ...dispatch].map((m) => m.value).join('\n');
    for (const secret of [user.email, 'Kafka Kim', '+447700900777', 'QQ765432A', verification.variables['token']!]) expect(everything).not.toContain(secret);
  });
});
