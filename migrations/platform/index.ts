import { PlatformSchema1763900000000 } from './1763900000000-platform-schema';
import { IdempotencyKeys1763900000001 } from './1763900000001-idempotency-keys';
import { AppRole1763900000002 } from './1763900000002-app-role';
import { OutboxPayloadText1763900300000 } from './1763900300000-outbox-payload-text';
import { BusCommands1763900400000 } from './1763900400000-bus-commands';

/**
 * The platform's own migrations, applied to every database the platform uses (each
 * context's migrations come from its manifest). Listed explicitly, not globbed, so the
 * compiled app, the CLI and the tests load the same set. TypeORM applies them with the
 * contexts' by timestamp: OutboxPayloadText converts outboxes the contexts created before
 * payloads became text.
 */
export const PLATFORM_MIGRATIONS = [
  PlatformSchema1763900000000,
  IdempotencyKeys1763900000001,
  AppRole1763900000002,
  OutboxPayloadText1763900300000,
  BusCommands1763900400000,
];
