export * from './variables';
export * from './concern';
export * from './concerns';
export * from './grant-keys';
export * from './processes';
