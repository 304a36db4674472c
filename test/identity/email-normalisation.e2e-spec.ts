import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { UnitOfWork } from '@platform/database/unit-of-work';
import { ReindexEmails } from '@modules/identity/application/reindex-emails/reindex-emails';
import { identityContext } from '@modules/identity/identity.context';
import { UserRecords } from '@modules/identity/infrastructure/user-records';
import { eventually, startTestApp, type TestApp } from '../support/app';
import { sql } from '../support/database';
import { bearer, mailTo, PASSWORD, signUp, startIdentityApp, type IdentityTestApp } from './support';

const piiKeys = JSON.stringify({ k1: randomBytes(32).toString('base64') });
const blindKey = randomBytes(32);
const keys = { IDENTITY_PII_KEYS: piiKeys, IDENTITY_BLIND_INDEX_KEY: blindKey.toString('base64') };

/** An address with an é, in both normal forms (composed U+00E9, decomposed e + U+0301). */
function josé(): { nfc: string; nfd: string } {
  const nfc = `jos\u00e9.${randomUUID().slice(0, 8)}@example.com`;
  return { nfc, nfd: nfc.normalize('NFD') };
}

/** The blind index as the release before normalisation computed it (trimmed, lower-cased), by hand: no code shared with the app. */
const legacyIndex = (email: string) => createHmac('sha256', blindKey).update(`email:${email.trim().toLowerCase()}`).digest();

const loginStatus = async (t: TestApp, email: string, password: string) => {
  const res = await t.http().post('/v1/auth/login').send({ email, password });
  return res.status === 200
    ? (JSON.parse(Buffer.from(String(res.body.tokens.access_token).split('.')[1]!, 'base64url').toString()) as { sub: string }).sub
    : res.status;
};

describe('identity: one address, one user, however its letters are encoded', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp({ env: keys });
  });
  afterAll(() => app?.close());

  it('composed and decomposed josé@… register as one user with one login, in any case', async () => {
    const { nfc, nfd } = josé();
    const user = await signUp(app.t, { email: nfd });
    // The second sign-up is answered alike (no enumeration), and makes no second user.
    expect((await app.t.http().post('/v1/auth/register').send({ email: nfc, password: 'Other-Harbour-Lantern-77', name: 'Someone Else' })).status).toBe(202);
    expect((await mailTo(nfc, 'account-exists')).userId).toBe(user.userId);
    expect(await sql(app.dbUrl, 'select count(*)::int as n from identity.users')).toEqual([{ n: 1 }]);

    for (const spelling of [nfc, nfd, nfc.toUpperCase(), ` ${nfd.toUpperCase()} `]) expect(await loginStatus(app.t, spelling, PASSWORD)).toBe(user.userId);
    expect(await loginStatus(app.t, nfc, 'Other-Harbour-Lantern-77')).toBe(401);
    // Stored in NFC whatever was typed.
    const me = await app.t.http().get('/v1/users/me').set(bearer(user.accessToken));
    expect(me.body.personalData.email).toBe(nfc);
  });
});

describe('identity: existing users get their blind index recomputed over the normalised address', () => {
  let app: IdentityTestApp;
  beforeAll(async () => {
    app = await startIdentityApp({ env: keys });
  });
  afterAll(() => app?.close());

  /** Puts a user back the way the previous release stored them: `email` as typed, its legacy index, form `legacy`. */
  async function asLegacy(t: TestApp, userId: string, email: string): Promise<void> {
    const records = t.app.get(UserRecords);
    await t.app.get(UnitOfWork).run(async (tx) => {
      const user = (await records.byId(tx, userId))!;
      await records.savePersonalData(tx, userId, { ...(await records.personalData(tx, user))!, email });
    });
    await sql(app.dbUrl, `update identity.users set email_index = $2, email_index_form = 'legacy' where id = $1`, [userId, legacyIndex(email)]);
  }
  const form = async (userId: string) =>
    (await sql<{ f: string }>(app.dbUrl, 'select email_index_form as f from identity.users where id = $1', [userId]))[0]!.f;

  it('reindexes a decomposed address; meanwhile its owner signs in as before; a second run has nothing to do', async () => {
    const { nfc, nfd } = josé();
    const user = await signUp(app.t, { email: `placeholder.${randomUUID()}@example.com` });
    const ascii = await signUp(app.t, { email: `Mixed.Case.${randomUUID().slice(0, 8)}@Example.com` });
    await asLegacy(app.t, user.userId, nfd);
    await asLegacy(app.t, ascii.userId, ascii.email);

    // Before the job reaches the row: the spelling it was registered with still signs in.
    expect(await loginStatus(app.t, nfd, PASSWORD)).toBe(user.userId);
    expect(await loginStatus(app.t, ascii.email.toLowerCase(), PASSWORD)).toBe(ascii.userId);

    expect(await app.t.app.get(ReindexEmails).run()).toEqual({ reindexed: 1, unchanged: 1, conflicts: 0 });
    expect(await form(user.userId)).toBe('nfc_casefold');
    expect(await form(ascii.userId)).toBe('nfc_casefold');
    for (const spelling of [nfc, nfd, nfc.toUpperCase()]) expect(await loginStatus(app.t, spelling, PASSWORD)).toBe(user.userId);
    expect(await loginStatus(app.t, ascii.email, PASSWORD)).toBe(ascii.userId);
    // The stored address is rewritten in NFC.
    expect((await app.t.http().get('/v1/users/me').set(bearer(user.accessToken))).body.personalData.email).toBe(nfc);

    expect(await app.t.app.get(ReindexEmails).run()).toEqual({ reindexed: 0, unchanged: 0, conflicts: 0 });
  });

  it('leaves two users who registered one address in two spellings as they were, and audits it', async () => {
    const { nfc, nfd } = josé();
    const first = await signUp(app.t, { email: nfc });
    const second = await signUp(app.t, { email: `placeholder.${randomUUID()}@example.com`, password: 'Second-Harbour-Lantern-99' });
    // The previous release let both register: the NFC one and the NFD one had different indexes.
    await asLegacy(app.t, first.userId, nfc);
    await asLegacy(app.t, second.userId, nfd);

    expect(await app.t.app.get(ReindexEmails).run()).toEqual({ reindexed: 0, unchanged: 1, conflicts: 1 });
    expect(await form(first.userId)).toBe('nfc_casefold');
    expect(await form(second.userId)).toBe('legacy_conflict');
    // Each owner still reaches their own account with their own spelling.
    expect(await loginStatus(app.t, nfc, PASSWORD)).toBe(first.userId);
    expect(await loginStatus(app.t, nfd, 'Second-Harbour-Lantern-99')).toBe(second.userId);
    const audit = await sql<{ details: Record<string, unknown> }>(
      app.dbUrl,
      `select details from identity.audit_log where type = 'user.email_index_conflict' and subject_id = $1`,
      [second.userId],
    );
    expect(audit).toEqual([{ details: { normalisedIndexHeldBy: first.userId } }]);
    expect(await app.t.app.get(ReindexEmails).run()).toEqual({ reindexed: 0, unchanged: 0, conflicts: 0 });
  });

  it('runs by itself when identity starts', async () => {
    const { nfc, nfd } = josé();
    const user = await signUp(app.t, { email: `placeholder.${randomUUID()}@example.com` });
    await asLegacy(app.t, user.userId, nfd);
    const next = await startTestApp({
      contexts: [identityContext],
      databaseUrl: app.dbUrl,
      redis: true,
      env: { ...keys, IDENTITY_ARGON2_MEMORY_KIB: '8192', IDENTITY_ARGON2_ITERATIONS: '1' },
    });
    try {
      expect(
        await eventually(
          () => form(user.userId),
          (f) => f === 'nfc_casefold',
        ),
      ).toBe('nfc_casefold');
      expect(await loginStatus(next, nfc, PASSWORD)).toBe(user.userId);
    } finally {
      await next.close();
    }
  });
});
