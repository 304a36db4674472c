import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigError, type AppConfig } from './platform/config/app-config';
import type { ContextDefinition } from './platform/context-definition';
import { PlatformModule, type PlatformOptions } from './platform/platform.module';

/** The composition root: the platform plus the bounded contexts this process runs. */
@Module({})
export class AppModule {
  static register(options: PlatformOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(options), ...options.contexts.map((c) => c.module)],
    };
  }
}

/** Applies MODULES: `all`, or the named contexts (unknown names stop the process). */
export function selectContexts(config: AppConfig, available: readonly ContextDefinition[]): ContextDefinition[] {
  if (config.modules === 'all') return [...available];
  const known = new Map(available.map((c) => [c.name, c]));
  return config.modules.map((name) => {
    const context = known.get(name);
    if (!context) {
      const names = [...known.keys()].join(', ') || 'none';
      throw new ConfigError(`Invalid configuration: MODULES names unknown context "${name}" (known: ${names})`);
    }
    return context;
  });
}
