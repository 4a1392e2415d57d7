import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';

type PublicKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * Results of key work that a wallet's next requests repeat: one flow presents the same DPoP key
 * at the token, nonce and credential endpoints, and importing a JWK costs more than verifying a
 * signature with it. Bounded (oldest dropped first), keyed by the exact JWK members and alg.
 */
export class RecentResults<T> {
  private readonly entries = new Map<string, Promise<T>>();

  constructor(private readonly max: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used goes last
      this.entries.set(key, hit);
      return hit;
    }
    const result = compute();
    this.entries.set(key, result);
    result.catch(() => this.entries.delete(key)); // a failure is not remembered
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value as string);
    return result;
  }
}

const importedKeys = new RecentResults<PublicKey>(4096);
const thumbprints = new RecentResults<string>(4096);

/** `importJWK` of a public JWK, remembered for the wallet's next requests. */
export function importPublicJwk(jwk: JWK, alg: string): Promise<PublicKey> {
  return importedKeys.get(`${alg} ${JSON.stringify(jwk)}`, () => importJWK(jwk, alg));
}

/** RFC 7638 JWK SHA-256 thumbprint, base64url, remembered likewise. */
export function sha256Thumbprint(jwk: JWK): Promise<string> {
  return thumbprints.get(JSON.stringify(jwk), () => calculateJwkThumbprint(jwk, 'sha256'));
}
