import { AsyncLocalStorage } from 'node:async_hooks';

/** What travels with one request (or one consumed event) through logs, SQL and new events. */
export interface RequestContext {
  readonly requestId: string;
  readonly traceId: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(context: RequestContext, fn: () => T): T {
    return storage.run(context, fn);
  },
  current(): RequestContext | undefined {
    return storage.getStore();
  },
};
