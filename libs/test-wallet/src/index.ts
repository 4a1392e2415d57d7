export * from './independent-wallet';
