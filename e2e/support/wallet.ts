// The wallet's DPoP helpers live in @hallmark/testing, shared with the flow benchmark (bench/issuance).
export { dpopProof, form, redeemWithDpop, walletKey, type WalletKey } from '@hallmark/testing';
