import { Controller, Get, Module } from '@nestjs/common';
import { ApiAuth, RequirePermissions } from '@platform/auth/decorators';
import { defineContext } from '@platform/context-definition';
import { startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';

@ApiAuth()
@Controller('fx-typo')
class TypoHttpController {
  @Get()
  @RequirePermissions('ledger:raed')
  read(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [TypoHttpController] })
class TypoModule {}

describe('permissions required by routes', () => {
  it('refuses to start when a route requires a permission no manifest declares (a typo no role could ever pass)', async () => {
    const db = await createTestDatabase();
    try {
      const typo = defineContext({ name: 'fx_typo', module: TypoModule, permissions: { 'fx_typo:read': ['support'] } });
      await expect(startTestApp({ contexts: [typo], databaseUrl: db.url })).rejects.toThrow(
        "routes require permissions no context declares (add them to a manifest's permissions): TypoHttpController.read: ledger:raed",
      );
    } finally {
      await db.drop();
    }
  });
});
