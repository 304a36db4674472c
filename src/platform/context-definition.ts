import type { Type } from '@nestjs/common';
import type { EntitySchema, MigrationInterface } from 'typeorm';
import type { ContractDefinition } from '@shared-kernel';
import type { ConfigSlice } from './config/config-slice';
import type { Role } from './auth/principal';

/** A migration class, as TypeORM loads it. */
export type MigrationClass = new () => MigrationInterface;

/**
 * Permissions a context defines, each with the roles granted it by default (admins hold
 * every permission anyway; customers need none to reach their own resources). Service
 * clients get a permission from an OAuth scope of the same name.
 */
export type PermissionGrants = Readonly<Record<string, readonly Exclude<Role, 'admin' | 'customer'>[]>>;

/**
 * How a bounded context declares itself: the one place the platform learns about it.
 * The composition root (src/modules/index.ts) lists the manifests; MODULES picks which this
 * process runs. The context owns the Postgres schema named after it (with its outbox and
 * inbox), in the shared database or in its own (`<NAME>_DATABASE_URL`).
 */
export interface ContextManifest<TConfig = unknown> {
  /** Lower-case, also the Postgres schema name. */
  readonly name: string;
  readonly module: Type<unknown>;
  /** Contexts whose contracts this one uses (checked by dependency-cruiser, reached over Kafka when not run here). */
  readonly dependsOn: readonly string[];
  /** The commands, queries and events it owns: what other contexts may send it or hear from it. */
  readonly contract: ContractDefinition;
  /** Its migrations (its own schema only), in any order: TypeORM applies them by timestamp. */
  readonly migrations: readonly MigrationClass[];
  /** Its slice of the configuration (environment variables it reads). */
  readonly config?: ConfigSlice<TConfig>;
  readonly permissions?: PermissionGrants;
  /** HTTP path prefixes it serves (what a gateway routes to the deployment running it). */
  readonly routes?: readonly string[];
  /** The OpenAPI tags its routes use, with their descriptions, in the order readers see them. */
  readonly apiTags?: ReadonlyArray<{ readonly name: string; readonly description: string }>;
  /** TypeORM entities of the context, if it uses any (all in its own schema). */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities?: ReadonlyArray<Function | EntitySchema>;
}

const CONTEXT_NAME = /^[a-z][a-z0-9_]{0,30}$/;

/** What a context writes in its manifest: a context with no dependencies, contract or migrations may leave them out. */
export type ContextDeclaration<TConfig> = Omit<ContextManifest<TConfig>, 'dependsOn' | 'contract' | 'migrations'> &
  Partial<Pick<ContextManifest<TConfig>, 'dependsOn' | 'contract' | 'migrations'>>;

/** Declares a context (see ContextManifest); checks what can be checked without the others. */
export function defineContext<TConfig>(declaration: ContextDeclaration<TConfig>): ContextManifest<TConfig> {
  const manifest: ContextManifest<TConfig> = {
    ...declaration,
    dependsOn: declaration.dependsOn ?? [],
    contract: declaration.contract ?? { commands: [], queries: [], events: [] },
    migrations: declaration.migrations ?? [],
  };
  if (!CONTEXT_NAME.test(manifest.name)) throw new Error(`context name ${JSON.stringify(manifest.name)} must be lower-case letters, digits and _`);
  if (manifest.dependsOn.includes(manifest.name)) throw new Error(`context ${manifest.name} cannot depend on itself`);
  for (const entry of [...manifest.contract.commands, ...manifest.contract.queries, ...manifest.contract.events]) {
    if (!entry.type.startsWith(`${manifest.name}.`))
      throw new Error(`${entry.type} must be named ${manifest.name}.<name>.v<N>: it belongs to the ${manifest.name} contract`);
  }
  return manifest;
}

/** Context names in an order where every context comes after those it depends on. */
export function dependencyOrder(contexts: readonly ContextManifest[]): ContextManifest[] {
  const byName = new Map(contexts.map((c) => [c.name, c]));
  const ordered: ContextManifest[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (context: ContextManifest, path: readonly string[]) => {
    if (state.get(context.name) === 'done') return;
    if (state.get(context.name) === 'visiting') throw new Error(`contexts depend on each other in a cycle: ${[...path, context.name].join(' -> ')}`);
    state.set(context.name, 'visiting');
    for (const dependency of context.dependsOn) {
      const target = byName.get(dependency);
      if (!target) throw new Error(`context ${context.name} depends on ${dependency}, which is not a known context`);
      visit(target, [...path, context.name]);
    }
    state.set(context.name, 'done');
    ordered.push(context);
  };
  for (const context of contexts) visit(context, []);
  return ordered;
}
