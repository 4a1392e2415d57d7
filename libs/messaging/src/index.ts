export * from './event-transport';
export * from './record-headers';
export * from './consume-pipeline';
export * from './kafka.transport';
export * from './in-process.transport';
export * from './metrics';
