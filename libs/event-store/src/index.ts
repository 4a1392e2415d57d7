import { EventStore1732780000000 } from './migrations/1732780000000-event-store';
import { EventStoreAppendFunction1732780008000 } from './migrations/1732780008000-append-function';

export * from './database';
export * from './event-store';
export * from './outbox-relay';

/** The event store's tables and functions, to run before a service's own migrations. */
export const EVENT_STORE_MIGRATIONS = [EventStore1732780000000, EventStoreAppendFunction1732780008000];
