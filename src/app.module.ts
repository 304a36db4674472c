import { type DynamicModule, Module } from '@nestjs/common';
import { contextModule, PlatformModule, type PlatformOptions } from './platform/platform.module';

/** The composition root: the platform plus the bounded contexts this process runs. */
@Module({})
export class AppModule {
  static register(options: PlatformOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [PlatformModule.forRoot(options), ...options.contexts.map(contextModule)],
    };
  }
}
