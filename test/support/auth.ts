import type { INestApplication } from '@nestjs/common';
import { newId } from '@shared-kernel';
import { AccessTokens } from '@platform/auth/access-tokens';
import type { Role } from '@platform/auth/principal';
import { SessionStore } from '@platform/auth/sessions';

/**
 * A logged-in user for tests of modules other than identity: a real session in the
 * app's session store and a real signed access token, as identity's login would create.
 */
export async function loginAs(
  app: INestApplication,
  userId: string,
  roles: readonly Role[] = ['customer'],
  options: { secondFactorAt?: number | null } = {},
): Promise<{ token: string; sessionId: string }> {
  const sessionId = newId();
  await app
    .get(SessionStore)
    .create({ id: sessionId, userId, roles, createdAt: Date.now(), ip: null, userAgent: 'test', secondFactorAt: options.secondFactorAt ?? null });
  const { token } = await app.get(AccessTokens).issue({ subject: userId, roles, sessionId });
  return { token, sessionId };
}

/** A service client's token (client credentials), with scopes. */
export async function clientToken(app: INestApplication, clientId: string, scopes: readonly string[]): Promise<string> {
  return (await app.get(AccessTokens).issue({ subject: clientId, clientId, scopes })).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
