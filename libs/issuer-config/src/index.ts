export * from './issuer-config';
