import { exportJWK, generateKeyPair } from 'jose';
import { RecentResults, importPublicJwk, sha256Thumbprint } from './recent-keys';

describe('recent key results', () => {
  it('imports a wallet key once for its next requests, and gives the same thumbprint', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const first = await importPublicJwk(jwk, 'ES256');
    expect(await importPublicJwk({ ...jwk }, 'ES256')).toBe(first);
    expect(await sha256Thumbprint(jwk)).toBe(await sha256Thumbprint({ ...jwk }));
  });

  it('does not remember a failure', async () => {
    const results = new RecentResults<string>(8);
    let calls = 0;
    const failing = () => (calls++, Promise.reject(new Error('bad key')));
    await expect(results.get('k', failing)).rejects.toThrow('bad key');
    await expect(results.get('k', failing)).rejects.toThrow('bad key');
    expect(calls).toBe(2);
  });

  it('drops the least recently used entry beyond its bound', async () => {
    const results = new RecentResults<string>(2);
    const computed: string[] = [];
    const get = (k: string) => results.get(k, async () => (computed.push(k), k));
    await get('a');
    await get('b');
    await get('a'); // a is now the most recent
    await get('c'); // drops b
    await get('a');
    await get('b');
    expect(computed).toEqual(['a', 'b', 'c', 'b']);
  });
});
