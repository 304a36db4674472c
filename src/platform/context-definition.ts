import type { Type } from '@nestjs/common';
import type { EntitySchema } from 'typeorm';

/**
 * How a bounded context plugs into the platform. The composition root (src/app.module.ts)
 * lists them; MODULES picks which this process runs. The context owns the Postgres
 * schema of the same name, with its outbox and inbox tables.
 */
export interface ContextDefinition {
  readonly name: string;
  readonly module: Type<unknown>;
  /** TypeORM entities of the context, if it uses any (all in its own schema). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: ReadonlyArray<Function | EntitySchema>;
}
