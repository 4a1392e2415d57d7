import { AsyncLocalStorage } from 'async_hooks';

/** Per-request facts that events appended during the request carry (correlation id = request id). */
export interface RequestScope {
  requestId: string;
}

const storage = new AsyncLocalStorage<RequestScope>();

export const runInRequestScope = <T>(scope: RequestScope, fn: () => T): T => storage.run(scope, fn);
export const currentRequestScope = (): RequestScope | undefined => storage.getStore();
