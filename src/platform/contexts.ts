import { ConfigError, type AppConfig } from './config/app-config';
import { dependencyOrder, type ContextManifest } from './context-definition';

/**
 * Applies MODULES: `all`, or the named contexts (unknown names were refused by loadConfig),
 * in dependency order (a context starts after those it depends on).
 */
export function selectContexts(config: AppConfig, available: readonly ContextManifest[]): ContextManifest[] {
  const ordered = dependencyOrder(available);
  if (config.modules === 'all') return ordered;
  const known = new Set(available.map((c) => c.name));
  const unknown = config.modules.find((name) => !known.has(name));
  if (unknown) throw new ConfigError(`Invalid configuration: MODULES names unknown context "${unknown}" (known: ${[...known].join(', ') || 'none'})`);
  return ordered.filter((c) => config.modules.includes(c.name));
}

/**
 * The contexts the running ones depend on but this process does not run: their commands
 * and queries go over Kafka to the process that runs them. Without Kafka there is no way
 * to reach them, and the process refuses to start, naming the missing context.
 */
export function remoteContexts(config: AppConfig, running: readonly ContextManifest[], available: readonly ContextManifest[]): ContextManifest[] {
  const here = new Set(running.map((c) => c.name));
  const byName = new Map(available.map((c) => [c.name, c]));
  const remote: ContextManifest[] = [];
  for (const context of running) {
    for (const dependency of context.dependsOn) {
      if (here.has(dependency) || remote.some((r) => r.name === dependency)) continue;
      if (!config.kafka) {
        throw new ConfigError(
          `Invalid configuration: MODULES runs ${context.name}, which needs the ${dependency} context; run ${dependency} in this process too or set KAFKA_BROKERS to reach the process that runs it`,
        );
      }
      const target = byName.get(dependency);
      if (!target) throw new Error(`context ${context.name} depends on ${dependency}, which this process was not given (pass every context as available)`);
      remote.push(target);
    }
  }
  return remote;
}
