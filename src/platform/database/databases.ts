import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { PLATFORM_MIGRATIONS } from '@migrations/platform';
import type { ContextManifest, MigrationClass } from '../context-definition';
import { createDataSource, type DataSourceSettings } from './data-source';
import { runMigrations } from './migrate';
import { UnitOfWork } from './unit-of-work';

/** One PostgreSQL database the platform uses, and the contexts whose schemas live in it. */
export interface DatabasePlan {
  readonly url: string;
  /** `default` for the shared DATABASE_URL, else the context that owns it. */
  readonly name: string;
  readonly contexts: readonly string[];
  /** The platform's migrations and those of these contexts. */
  readonly migrations: readonly MigrationClass[];
}

/**
 * Which database holds which contexts: the shared one (`defaultUrl`) unless a context has
 * its own (`<NAME>_DATABASE_URL`). Contexts that share a URL share a database (and a pool).
 * Every database gets the platform's own schema (idempotency keys, dead letters).
 */
export function planDatabases(
  defaultUrl: string,
  contexts: readonly Pick<ContextManifest, 'name' | 'migrations'>[],
  contextUrls: Readonly<Record<string, string>>,
): DatabasePlan[] {
  const plans = new Map<string, { name: string; contexts: string[]; migrations: MigrationClass[] }>();
  plans.set(defaultUrl, { name: 'default', contexts: [], migrations: [...PLATFORM_MIGRATIONS] });
  for (const context of contexts) {
    const url = contextUrls[context.name] ?? defaultUrl;
    let plan = plans.get(url);
    if (!plan) {
      plan = { name: context.name, contexts: [], migrations: [...PLATFORM_MIGRATIONS] };
      plans.set(url, plan);
    }
    plan.contexts.push(context.name);
    plan.migrations.push(...context.migrations);
  }
  return [...plans].map(([url, plan]) => ({ url, ...plan }));
}

/** Applies each planned database's migrations (as the login user, under the migration lock). */
export async function migrateDatabases(plans: readonly DatabasePlan[], logger: Logger): Promise<void> {
  for (const plan of plans) {
    const migrator = createDataSource({ url: plan.url, poolMax: 2, statementTimeoutMs: 0, migrations: plan.migrations });
    await migrator.initialize();
    try {
      const applied = await runMigrations(migrator);
      if (applied.length) logger.info({ database: plan.name, migrations: applied.map((m) => m.name) }, 'migrations applied');
    } finally {
      await migrator.destroy();
    }
  }
}

/**
 * The databases of this process: a DataSource (and its UnitOfWork) per planned database.
 * A context reaches only its own (the platform gives each context module the UnitOfWork
 * of its database); platform parts that work per context (relay, inbox) ask here.
 */
export class ContextDatabases {
  private readonly units = new Map<DataSource, UnitOfWork>();

  private constructor(
    private readonly sources: ReadonlyMap<string, DataSource>,
    private readonly plans: readonly DatabasePlan[],
  ) {}

  static create(
    plans: readonly DatabasePlan[],
    settings: Omit<DataSourceSettings, 'url' | 'migrations'>,
    onPool?: (database: string, pool: import('pg').Pool) => void,
  ): ContextDatabases {
    const sources = new Map<string, DataSource>();
    for (const plan of plans) {
      sources.set(
        plan.name,
        createDataSource({ ...settings, url: plan.url, migrations: plan.migrations, onPool: onPool && ((pool) => onPool(plan.name, pool)) }),
      );
    }
    return new ContextDatabases(sources, plans);
  }

  /** The DataSource of a context's database (the shared one when no context is given). */
  dataSource(context?: string): DataSource {
    const plan = context === undefined ? this.plans[0]! : (this.plans.find((p) => p.contexts.includes(context)) ?? this.plans[0]!);
    return this.sources.get(plan.name)!;
  }

  unitOfWork(context?: string): UnitOfWork {
    const source = this.dataSource(context);
    let unit = this.units.get(source);
    if (!unit) {
      unit = new UnitOfWork(source);
      this.units.set(source, unit);
    }
    return unit;
  }

  /** Every database, by name (`default`, or the context owning it). */
  all(): ReadonlyArray<{ readonly name: string; readonly dataSource: DataSource }> {
    return [...this.sources].map(([name, dataSource]) => ({ name, dataSource }));
  }

  async initialize(): Promise<void> {
    for (const source of this.sources.values()) await source.initialize();
  }

  async destroy(): Promise<void> {
    for (const source of this.sources.values()) if (source.isInitialized) await source.destroy();
  }
}
