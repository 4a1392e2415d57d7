export * from './issuer-keys';
