import {
  CompactEncrypt,
  calculateJwkThumbprint,
  compactDecrypt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
} from 'jose';
import { decryptCredentialRequest, encryptCredentialResponse, responseEncryptionOf } from './encryption';

const reasonOf = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (err: { error?: string; reason?: string }) => `${err.error}/${err.reason}`,
  );

async function keyPair() {
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
  const jwk = await exportJWK(publicKey);
  return { publicKey, privateKey, jwk, kid: await calculateJwkThumbprint(jwk) };
}

describe('credential response encryption parameters', () => {
  it('accepts a P-256 ECDH-ES key with a supported enc and zip, keeping its kid', async () => {
    const { jwk } = await keyPair();
    const accepted = await responseEncryptionOf(
      { jwk: { ...jwk, alg: 'ECDH-ES', kid: 'w1' }, enc: 'A256GCM', zip: 'DEF' },
      { requestEncrypted: true, required: false },
    );
    expect(accepted).toEqual({
      jwk: { ...jwk, alg: 'ECDH-ES', kid: 'w1' },
      alg: 'ECDH-ES',
      enc: 'A256GCM',
      zip: 'DEF',
    });
  });

  it.each([
    ['no jwk', { enc: 'A128GCM' }],
    ['an unsupported enc', { enc: 'A128CBC-HS256' }],
    ['an unsupported zip', { enc: 'A128GCM', zip: 'GZIP' }],
    ['a jwk without alg', { enc: 'A128GCM', noAlg: true }],
    ['a private jwk', { enc: 'A128GCM', privateJwk: true }],
  ])('refuses %s with invalid_encryption_parameters', async (_name, shape) => {
    const { jwk, privateKey } = await keyPair();
    const key =
      'privateJwk' in shape
        ? { ...(await exportJWK(privateKey)), alg: 'ECDH-ES' }
        : 'noAlg' in shape
          ? jwk
          : { ...jwk, alg: 'ECDH-ES' };
    const value = {
      ...('enc' in shape ? { enc: shape.enc } : {}),
      ...('zip' in shape ? { zip: shape.zip } : {}),
      ...(_name === 'no jwk' ? {} : { jwk: key }),
    };
    expect(await reasonOf(responseEncryptionOf(value, { requestEncrypted: true, required: false }))).toBe(
      'invalid_encryption_parameters/credential_response_encryption_invalid',
    );
  });

  it('refuses a point off the curve before anything is issued', async () => {
    const { jwk } = await keyPair();
    const off = { ...jwk, alg: 'ECDH-ES', y: jwk.x };
    expect(
      await reasonOf(responseEncryptionOf({ jwk: off, enc: 'A128GCM' }, { requestEncrypted: true, required: false })),
    ).toBe('invalid_encryption_parameters/credential_response_encryption_invalid');
  });

  it('requires the parameters when encryption is required, and an encrypted request to carry them', async () => {
    const { jwk } = await keyPair();
    expect(await reasonOf(responseEncryptionOf(undefined, { requestEncrypted: true, required: true }))).toBe(
      'invalid_encryption_parameters/credential_response_encryption_required',
    );
    expect(await responseEncryptionOf(undefined, { requestEncrypted: false, required: false })).toBeUndefined();
    expect(
      await reasonOf(
        responseEncryptionOf(
          { jwk: { ...jwk, alg: 'ECDH-ES' }, enc: 'A128GCM' },
          { requestEncrypted: false, required: false },
        ),
      ),
    ).toBe('invalid_encryption_parameters/credential_response_encryption_unprotected');
  });

  it('encrypts a response the wallet decrypts with its key, kid and zip in the protected header', async () => {
    const { jwk, privateKey } = await keyPair();
    const encryption = (await responseEncryptionOf(
      { jwk: { ...jwk, alg: 'ECDH-ES', kid: 'w1' }, enc: 'A128GCM', zip: 'DEF' },
      { requestEncrypted: true, required: true },
    ))!;
    const jwe = await encryptCredentialResponse(
      { credentials: [{ credential: 'eyJ-a-credential-value' }] },
      encryption,
    );
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: 'ECDH-ES', enc: 'A128GCM', zip: 'DEF', kid: 'w1' });
    expect(jwe).not.toContain('a-credential-value');
    const { plaintext } = await compactDecrypt(jwe, privateKey);
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual({
      credentials: [{ credential: 'eyJ-a-credential-value' }],
    });
  });
});

describe('encrypted credential requests', () => {
  const encrypt = async (payload: string, publicKey: CryptoKey, header: Record<string, string>): Promise<string> =>
    new CompactEncrypt(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128GCM', ...header })
      .encrypt(publicKey);

  it('decrypts a request encrypted to the issuer key (with or without zip)', async () => {
    const issuer = await keyPair();
    const headers: Array<Record<string, string>> = [
      { kid: issuer.kid },
      { kid: issuer.kid, enc: 'A256GCM', zip: 'DEF' },
    ];
    for (const header of headers) {
      const jwe = await encrypt('{"credential_configuration_id":"pid"}', issuer.publicKey, header);
      expect(await decryptCredentialRequest(jwe, { kid: issuer.kid, privateKey: issuer.privateKey })).toEqual({
        credential_configuration_id: 'pid',
      });
    }
  });

  it('refuses an unsupported enc, another kid, a JWS, a wrong key and a non-JSON plaintext', async () => {
    const issuer = await keyPair();
    const other = await keyPair();
    const key = { kid: issuer.kid, privateKey: issuer.privateKey };
    const enc = await new CompactEncrypt(new TextEncoder().encode('{}'))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A128CBC-HS256', kid: issuer.kid })
      .encrypt(issuer.publicKey);
    expect(await reasonOf(decryptCredentialRequest(enc, key))).toBe(
      'invalid_encryption_parameters/credential_request_encryption_unsupported',
    );
    expect(
      await reasonOf(decryptCredentialRequest(await encrypt('{}', other.publicKey, { kid: other.kid }), key)),
    ).toBe('invalid_encryption_parameters/credential_request_encryption_unsupported');
    expect(await reasonOf(decryptCredentialRequest(await encrypt('{}', other.publicKey, {}), key))).toBe(
      'invalid_encryption_parameters/credential_request_undecryptable',
    );
    expect(await reasonOf(decryptCredentialRequest('eyJhbGciOiJFUzI1NiJ9.e30.c2ln', key))).toBe(
      'invalid_encryption_parameters/credential_request_undecryptable',
    );
    expect(await reasonOf(decryptCredentialRequest(await encrypt('not json', issuer.publicKey, {}), key))).toBe(
      'invalid_credential_request/credential_request_json_invalid',
    );
  });
});
