import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { AccessTokenStrategy } from './access-token.strategy';
import { AuthGuard } from './auth.guard';
import { Permissions } from './permissions';
import type { SessionStore } from './sessions';

describe('AuthGuard outside HTTP', () => {
  it('lets RPC and other non-HTTP contexts through untouched', async () => {
    const untouched = () => {
      throw new Error('must not be used outside HTTP');
    };
    const getAllAndOverride = jest.fn(untouched);
    const getSession = jest.fn(untouched);
    const reflector = { getAllAndOverride } as unknown as Reflector;
    const sessions = { get: getSession, touch: jest.fn(untouched) } as unknown as SessionStore;
    const guard = new AuthGuard(reflector, { name: 'unused' } as AccessTokenStrategy, sessions, new Permissions([]));
    for (const type of ['rpc', 'ws']) {
      const context = { getType: () => type, switchToHttp: untouched, getHandler: untouched, getClass: untouched } as unknown as ExecutionContext;
      await expect(guard.canActivate(context)).resolves.toBe(true);
    }
    expect(getAllAndOverride).not.toHaveBeenCalled();
    expect(getSession).not.toHaveBeenCalled();
  });
});
