export * from './tracing';
export * from './request-scope';
export * from './logger';
