export * from './database';
export * from './event-store';
export * from './outbox-relay';
export { EventStore1732780000000 } from './migrations/1732780000000-event-store';
