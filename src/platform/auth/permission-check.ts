import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { REQUIRED_PERMISSIONS } from './decorators';
import { Permissions } from './permissions';

/**
 * At boot, every permission a route requires (`@RequirePermissions`) must be one a
 * context's manifest declares: a typo would otherwise be a route no role can ever reach.
 */
@Injectable()
export class PermissionCheck implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly permissions: Permissions,
  ) {}

  onModuleInit(): void {
    const undeclared: string[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const type = wrapper.metatype as (new () => object) | null;
      if (!type) continue;
      const onClass = this.reflector.get<string[] | undefined>(REQUIRED_PERMISSIONS, type) ?? [];
      const prototype = type.prototype as Record<string, unknown>;
      const methods = this.scanner.getAllMethodNames(prototype);
      for (const method of methods) {
        const handler = prototype[method] as () => unknown;
        for (const permission of [...onClass, ...(this.reflector.get<string[] | undefined>(REQUIRED_PERMISSIONS, handler) ?? [])]) {
          if (!this.permissions.isDeclared(permission)) undeclared.push(`${type.name}.${method}: ${permission}`);
        }
      }
    }
    if (undeclared.length)
      throw new Error(`routes require permissions no context declares (add them to a manifest's permissions): ${[...new Set(undeclared)].join('; ')}`);
  }
}
