import { Inject, Injectable, type Provider, type Type } from '@nestjs/common';
import { CommandHandler, QueryHandler } from '@nestjs/cqrs';
import type { ContractMessage } from '@shared-kernel';
import type { ContextManifest } from '../context-definition';
import { RemoteBus } from './remote-bus';

/**
 * For a context this process does not run, one CQRS handler per command and query of its
 * contract that sends the message to the owning process (RemoteBus): callers keep using the
 * CommandBus and QueryBus and cannot tell which path was taken.
 */
export function remoteHandlers(context: ContextManifest): Provider[] {
  return [
    ...context.contract.commands.map((c) => remoteHandler(context.name, c, 'command')),
    ...context.contract.queries.map((q) => remoteHandler(context.name, q, 'query')),
  ];
}

function remoteHandler(context: string, message: ContractMessage, kind: 'command' | 'query'): Type {
  @Injectable()
  class RemoteHandler {
    constructor(@Inject(RemoteBus) private readonly bus: RemoteBus) {}

    execute(received: object): Promise<unknown> {
      return this.bus.call(context, received);
    }
  }
  Object.defineProperty(RemoteHandler, 'name', { value: `Remote${message.name}Handler` });
  (kind === 'command' ? CommandHandler : QueryHandler)(message as unknown as Type)(RemoteHandler);
  return RemoteHandler;
}
