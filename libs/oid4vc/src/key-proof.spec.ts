import { Openid4vciClient } from '@openid4vc/openid4vci';
import { createHash, randomBytes } from 'crypto';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { didJwkFromJwk, didKeyFromP256Jwk, resolveKeyDid, base58btcDecode, base58btcEncode } from './did';
import { verifyCredentialProof, type VerifyCredentialProofOptions } from './key-proof';
import {
  es256Key,
  expectOid4vcError,
  rejection,
  selfSignedCertificate,
  signJws,
  unsignedJws,
  type TestKey,
} from './test-support';

const NOW = new Date('2026-11-28T12:00:00Z');
const NOW_S = Math.floor(NOW.getTime() / 1000);
const ISSUER = 'https://issuer.example.com';
const NONCE = 'c-nonce-1';

describe('verifyCredentialProof', () => {
  let key: TestKey;
  beforeAll(async () => {
    key = await es256Key();
  });

  const header = (over: Record<string, unknown> = {}) => ({
    typ: 'openid4vci-proof+jwt',
    alg: 'ES256',
    jwk: key.publicJwk,
    ...over,
  });
  const claims = (over: Record<string, unknown> = {}) => ({ aud: ISSUER, iat: NOW_S, nonce: NONCE, ...over });
  const proof = (h: Record<string, unknown> = {}, c: Record<string, unknown> = {}) =>
    signJws(header(h), claims(c), key.privateKey);
  const verify = async (proofJwt: string, over: Partial<VerifyCredentialProofOptions> = {}) =>
    verifyCredentialProof({ proofJwt, issuerId: ISSUER, now: NOW, expectedNonce: NONCE, ...over });

  it('accepts a proof with a jwk header and returns the holder key', async () => {
    await expect(verify(await proof())).resolves.toEqual({
      holderJwk: key.publicJwk,
      keySource: 'jwk',
      nonce: NONCE,
      iat: NOW_S,
      alg: 'ES256',
    });
  });

  it('keeps only the public members of the holder key', async () => {
    const result = await verify(await proof({ jwk: { ...key.publicJwk, kid: 'k1', use: 'sig', extra: 'x' } }));
    expect(result.holderJwk).toEqual(key.publicJwk);
  });

  it('accepts a kid that is a did:jwk (DID URL with #0)', async () => {
    const did = didJwkFromJwk(key.publicJwk);
    const { jwk: _jwk, ...h } = header({ kid: `${did}#0` });
    const result = await verify(await signJws(h, claims(), key.privateKey));
    expect(result).toMatchObject({ holderJwk: key.publicJwk, keySource: 'did:jwk', kid: `${did}#0` });
  });

  it('accepts a kid that is a P-256 did:key, bare or as a DID URL', async () => {
    const did = didKeyFromP256Jwk(key.publicJwk);
    expect(did).toMatch(/^did:key:zDn/);
    for (const kid of [did, `${did}#${did.slice('did:key:'.length)}`]) {
      const { jwk: _jwk, ...h } = header({ kid });
      const result = await verify(await signJws(h, claims(), key.privateKey));
      expect(result).toMatchObject({ holderJwk: key.publicJwk, keySource: 'did:key', kid });
    }
  });

  it('accepts an x5c header and takes the key from the first certificate', async () => {
    const certificate = await selfSignedCertificate(key);
    const { jwk: _jwk, ...h } = header({ x5c: [certificate] });
    const result = await verify(await signJws(h, claims(), key.privateKey));
    expect(result).toMatchObject({ holderJwk: key.publicJwk, keySource: 'x5c', x5c: [certificate] });
  });

  it('accepts a proof made by an independent client (@openid4vc/openid4vci)', async () => {
    const client = new Openid4vciClient({
      callbacks: {
        hash: (data: Uint8Array, alg: string) => createHash(alg.replace('-', '').toLowerCase()).update(data).digest(),
        generateRandom: (length: number) => randomBytes(length),
        signJwt: async (
          signer: { method: string; publicJwk?: unknown },
          { header: h, payload }: { header: Record<string, unknown>; payload: Record<string, unknown> },
        ) => {
          if (signer.method !== 'jwk') throw new Error('test signer handles jwk only');
          const jwt = await new SignJWT(payload).setProtectedHeader(h as { alg: string }).sign(key.privateKey);
          return { jwt, signerJwk: signer.publicJwk };
        },
      } as unknown as ConstructorParameters<typeof Openid4vciClient>[0]['callbacks'],
    });
    const issuerMetadata = {
      originalDraftVersion: 'V1',
      authorizationServers: [],
      credentialIssuer: {
        credential_issuer: ISSUER,
        credential_endpoint: `${ISSUER}/credential`,
        credential_configurations_supported: {
          pid: {
            format: 'dc+sd-jwt',
            vct: 'urn:eudi:pid:1',
            proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
          },
        },
      },
    } as unknown as Parameters<Openid4vciClient['createCredentialRequestJwtProof']>[0]['issuerMetadata'];
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: 'pid',
      signer: { method: 'jwk', alg: 'ES256', publicJwk: key.publicJwk as never },
      nonce: NONCE,
      issuedAt: NOW,
      clientId: 'wallet-1',
    });
    await expect(verify(jwt, { clientId: 'wallet-1' })).resolves.toMatchObject({
      holderJwk: key.publicJwk,
      nonce: NONCE,
    });
  });

  it('rejects a kid of any other kind and says which kinds are supported', async () => {
    const { jwk: _jwk, ...h } = header({ kid: 'did:web:wallet.example.com#key-1' });
    const error = await rejection(verify(await signJws(h, claims(), key.privateKey)));
    expectOid4vcError(error, 'invalid_proof', 'proof_kid_unsupported');
    expect(error.error_description).toContain('did:jwk or a did:key of a P-256 key');
    expect(error.error_description).toContain('DID method web is not supported');
    expect(error.spec_ref).toBe('OID4VCI 1.0 Appendix F.1');

    const { jwk: _j, ...plain } = header({ kid: 'key-1' });
    expectOid4vcError(
      await rejection(verify(await signJws(plain, claims(), key.privateKey))),
      'invalid_proof',
      'proof_kid_unsupported',
    );
  });

  it('rejects a did:key of another key type and a malformed did:key', async () => {
    const ed25519 = `did:key:z${base58btcEncode(Uint8Array.from([0xed, 0x01, ...randomBytes(32)]))}`;
    const { jwk: _jwk, ...h } = header({ kid: ed25519 });
    const error = await rejection(verify(await signJws(h, claims(), key.privateKey)));
    expectOid4vcError(error, 'invalid_proof', 'proof_kid_unsupported');
    expect(error.error_description).toContain('ed25519-pub');

    const { jwk: _j, ...bad } = header({ kid: 'did:key:z0OIl' });
    expectOid4vcError(
      await rejection(verify(await signJws(bad, claims(), key.privateKey))),
      'invalid_proof',
      'proof_kid_invalid',
    );
  });

  it('rejects a kid naming another key than the signing one', async () => {
    const other = await es256Key();
    const { jwk: _jwk, ...h } = header({ kid: didKeyFromP256Jwk(other.publicJwk) });
    expectOid4vcError(
      await rejection(verify(await signJws(h, claims(), key.privateKey))),
      'invalid_proof',
      'proof_signature_invalid',
    );
  });

  it('rejects a wrong typ', async () => {
    for (const typ of ['JWT', 'dpop+jwt', undefined]) {
      expectOid4vcError(await rejection(verify(await proof({ typ }))), 'invalid_proof', 'proof_typ_invalid');
    }
  });

  it('rejects alg none, HS256 and algorithms outside the allowed list', async () => {
    expectOid4vcError(
      await rejection(verify(unsignedJws(header({ alg: 'none' }), claims()))),
      'invalid_proof',
      'proof_alg_not_allowed',
    );
    const hs256 = await signJws(header({ alg: 'HS256' }), claims(), new Uint8Array(32));
    expectOid4vcError(
      await rejection(verify(hs256, { allowedAlgs: ['HS256', 'ES256'] })),
      'invalid_proof',
      'proof_alg_not_allowed',
    );
    expectOid4vcError(
      await rejection(verify(await proof(), { allowedAlgs: ['ES384'] })),
      'invalid_proof',
      'proof_alg_not_allowed',
    );
  });

  it('rejects a proof with no key header or with two', async () => {
    const { jwk: _jwk, ...none } = header();
    expectOid4vcError(
      await rejection(verify(await signJws(none, claims(), key.privateKey))),
      'invalid_proof',
      'proof_key_missing',
    );
    const twoKeys = await rejection(verify(await proof({ kid: didJwkFromJwk(key.publicJwk) })));
    expectOid4vcError(twoKeys, 'invalid_proof', 'proof_key_ambiguous');
    expect(twoKeys.error_description).toContain('found kid and jwk');
    const certificate = await selfSignedCertificate(key);
    expectOid4vcError(
      await rejection(verify(await proof({ x5c: [certificate] }))),
      'invalid_proof',
      'proof_key_ambiguous',
    );
  });

  it('rejects a private key in the jwk header or in a did:jwk', async () => {
    expectOid4vcError(
      await rejection(verify(await proof({ jwk: key.privateJwk }))),
      'invalid_proof',
      'proof_jwk_private',
    );
    const privateDid = `did:jwk:${Buffer.from(JSON.stringify(key.privateJwk)).toString('base64url')}`;
    const { jwk: _jwk, ...h } = header({ kid: privateDid });
    expectOid4vcError(
      await rejection(verify(await signJws(h, claims(), key.privateKey))),
      'invalid_proof',
      'proof_jwk_private',
    );
  });

  it('rejects an x5c that is not a certificate', async () => {
    const { jwk: _jwk, ...h } = header({ x5c: ['bm90IGEgY2VydGlmaWNhdGU='] });
    expectOid4vcError(
      await rejection(verify(await signJws(h, claims(), key.privateKey))),
      'invalid_proof',
      'proof_x5c_invalid',
    );
    const { jwk: _j, ...empty } = header({ x5c: [] });
    expectOid4vcError(
      await rejection(verify(await signJws(empty, claims(), key.privateKey))),
      'invalid_proof',
      'proof_x5c_invalid',
    );
  });

  it('rejects a bad signature', async () => {
    const other = await es256Key();
    expectOid4vcError(
      await rejection(verify(await proof({ jwk: other.publicJwk }))),
      'invalid_proof',
      'proof_signature_invalid',
    );
  });

  it('rejects a wrong or missing aud, and accepts aud as an array', async () => {
    expectOid4vcError(
      await rejection(verify(await proof({}, { aud: 'https://other.example.com' }))),
      'invalid_proof',
      'proof_aud_mismatch',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { aud: `${ISSUER}/` }))),
      'invalid_proof',
      'proof_aud_mismatch',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { aud: undefined }))),
      'invalid_proof',
      'proof_aud_mismatch',
    );
    await expect(verify(await proof({}, { aud: [ISSUER] }))).resolves.toBeDefined();
  });

  it('says which aud and alg it expected and which the proof carried', async () => {
    const aud = await rejection(verify(await proof({}, { aud: 'https://other.example.com' })));
    expect(aud.toDiagnostic()).toMatchObject({ expected: ISSUER, provided: 'https://other.example.com' });
    expect((await rejection(verify(await proof(), { allowedAlgs: ['ES384'] }))).toDiagnostic()).toMatchObject({
      expected: 'ES384',
      provided: 'ES256',
    });
  });

  it('rejects an iat outside the window, or none', async () => {
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: NOW_S - 3600 }))),
      'invalid_proof',
      'proof_iat_stale',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: NOW_S + 3600 }))),
      'invalid_proof',
      'proof_iat_future',
    );
    expectOid4vcError(
      await rejection(verify(await proof({}, { iat: undefined }))),
      'invalid_proof',
      'proof_iat_missing',
    );
    await expect(verify(await proof({}, { iat: NOW_S + 10 }))).resolves.toBeDefined();
  });

  it('checks iss against the client id, and not for anonymous pre-authorized access', async () => {
    const error = await rejection(verify(await proof({}, { iss: 'wallet-2' }), { clientId: 'wallet-1' }));
    expectOid4vcError(error, 'invalid_proof', 'proof_iss_mismatch');
    await expect(verify(await proof({}, { iss: 'wallet-1' }), { clientId: 'wallet-1' })).resolves.toBeDefined();
    await expect(verify(await proof(), { clientId: 'wallet-1' })).resolves.toBeDefined();
    await expect(verify(await proof({}, { iss: 'wallet-2' }))).resolves.toBeDefined();
  });

  it('answers invalid_proof without a nonce, and invalid_nonce for a wrong one', async () => {
    const missing = await rejection(verify(await proof({}, { nonce: undefined })));
    expectOid4vcError(missing, 'invalid_proof', 'proof_nonce_missing');
    expect(missing.spec_ref).toBe('OID4VCI 1.0 Section 8.3.1.2');
    expectOid4vcError(
      await rejection(verify(await proof({}, { nonce: 'old' }))),
      'invalid_nonce',
      'proof_nonce_invalid',
    );
  });

  it('asks a nonce callback, and only for an otherwise valid proof', async () => {
    const seen: string[] = [];
    const expectedNonce = async (nonce: string) => {
      seen.push(nonce);
      return nonce === NONCE;
    };
    await expect(verify(await proof(), { expectedNonce })).resolves.toMatchObject({ nonce: NONCE });
    expectOid4vcError(
      await rejection(verify(await proof({}, { nonce: 'other' }), { expectedNonce })),
      'invalid_nonce',
      'proof_nonce_invalid',
    );
    const other = await es256Key();
    await rejection(verify(await proof({ jwk: other.publicJwk }), { expectedNonce }));
    await rejection(verify(await proof({}, { aud: 'https://other.example.com' }), { expectedNonce }));
    expect(seen).toEqual([NONCE, 'other']);
  });

  it('rejects malformed input', async () => {
    expectOid4vcError(await rejection(verify('')), 'invalid_proof', 'proof_malformed');
    expectOid4vcError(await rejection(verify('eyJ.eyJ')), 'invalid_proof', 'proof_malformed');
    const notJson = await signJws(header(), '[1,2]', key.privateKey);
    expectOid4vcError(await rejection(verify(notJson)), 'invalid_proof', 'proof_malformed');
  });
});

describe('did:jwk and did:key', () => {
  it('round-trips P-256 keys through did:key and did:jwk', async () => {
    for (let i = 0; i < 20; i++) {
      const { publicKey } = await generateKeyPair('ES256');
      const jwk = await exportJWK(publicKey);
      expect(resolveKeyDid(didKeyFromP256Jwk(jwk))).toMatchObject({ ok: true, method: 'did:key', jwk });
      expect(resolveKeyDid(didJwkFromJwk(jwk))).toMatchObject({ ok: true, method: 'did:jwk', jwk });
    }
  });

  it('decodes the did:key P-256 test vector of the did:key method specification', () => {
    const resolved = resolveKeyDid('did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169');
    const jwk = {
      kty: 'EC',
      crv: 'P-256',
      x: 'fyNYMN0976ci7xqiSdag3buk-ZCwgXU4kz9XNkBlNUI',
      y: 'hW2ojTNfH7Jbi8--CJUo3OCbH3y5n91g-IMA9MLMbTU',
    };
    expect(resolved).toEqual({
      ok: true,
      method: 'did:key',
      did: 'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169',
      jwk,
    });
    expect(didKeyFromP256Jwk(jwk)).toBe('did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169');
  });

  it('rejects a compressed point that is not on the curve', () => {
    const notOnCurve = `did:key:z${base58btcEncode(Uint8Array.from([0x80, 0x24, 0x02, ...new Uint8Array(32).fill(0xff)]))}`;
    expect(resolveKeyDid(notOnCurve)).toMatchObject({ ok: false, problem: 'invalid' });
  });

  it('round-trips base58btc, leading zeros included', () => {
    for (const bytes of [Uint8Array.from([0, 0, 1, 2, 255]), randomBytes(35), Uint8Array.from([0])]) {
      expect(Buffer.from(base58btcDecode(base58btcEncode(bytes)) as Uint8Array)).toEqual(Buffer.from(bytes));
    }
    expect(base58btcEncode(Buffer.from('Hello World!'))).toBe('2NEpo7TZRRrLZSi2U');
    expect(base58btcDecode('0OIl')).toBeUndefined();
  });
});
