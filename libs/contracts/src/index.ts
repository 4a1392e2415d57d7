export * from './envelope';
export * from './topics';
export * from './event-catalog';
export * from './event-validation';
export * from './events/common.schemas';
export * from './events/offer-service.events';
export * from './admin-api/create-session.request';
export * from './admin-api/admin-openapi';
