// The peer issuer for the flow benchmark: Sphereon's OID4VCI issuer REST server
// (@sphereon/oid4vci-issuer-server) as its README sets it up: VcIssuerBuilder with the in-memory
// state managers, OID4VCIServer on express, the application's callbacks for signing and
// verifying. The callbacks use the same libraries as Hallmark (jose, @sd-jwt/sd-jwt-vc 0.19) so
// the cryptography costs the same. PORT is given by the bench; prints "ready" when listening.
import { sign as cryptoSign } from 'node:crypto';
import express from 'express';
import { decodeProtectedHeader, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { VcIssuerBuilder } from '@sphereon/oid4vci-issuer';
import { OID4VCIServer } from '@sphereon/oid4vci-issuer-server';

const port = Number(process.env.PORT);
const baseUrl = `http://127.0.0.1:${port}`;
const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';

const accessTokenKeys = await generateKeyPair('ES256');
const credentialKeys = await generateKeyPair('ES256', { extractable: true });
const sdJwtVc = new SDJwtVcInstance({
  signer: async (data) => cryptoSign('sha256', Buffer.from(data), { key: credentialKeys.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url'),
  signAlg: 'ES256',
  hasher: digest,
  hashAlg: 'sha-256',
  saltGenerator: generateSalt,
});

/** Key proofs: the key is the header's jwk; Sphereon checks typ, nonce and the rest itself. */
const verifyKeyProof = async ({ jwt }) => {
  const header = decodeProtectedHeader(jwt);
  const { payload, protectedHeader } = await jwtVerify(jwt, await importJWK(header.jwk, 'ES256'), { algorithms: ['ES256'], audience: baseUrl });
  return { alg: 'ES256', jwk: header.jwk, jwt: { header: protectedHeader, payload } };
};

const issuer = new VcIssuerBuilder()
  .withCredentialIssuer(baseUrl)
  .withCredentialEndpoint(`${baseUrl}/credential`)
  .withNonceEndpoint(`${baseUrl}/nonce`)
  .withTokenEndpoint(`${baseUrl}/token`)
  .withAuthorizationMetadata({ issuer: baseUrl, token_endpoint: `${baseUrl}/token`, 'pre-authorized_grant_anonymous_access_supported': true })
  .withCredentialConfigurationsSupported({
    [PID]: {
      format: 'dc+sd-jwt',
      vct: 'urn:eudi:pid:1',
      cryptographic_binding_methods_supported: ['jwk'],
      credential_signing_alg_values_supported: ['ES256'],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: ['ES256'] } },
    },
  })
  .withInMemoryCredentialOfferState()
  .withInMemoryCredentialOfferURIState()
  .withInMemoryCNonceState()
  .withJWTVerifyCallback(verifyKeyProof)
  .withCredentialDataSupplier(async ({ credentialDataSupplierInput }) => ({
    format: 'dc+sd-jwt',
    credential: { vct: 'urn:eudi:pid:1', iss: baseUrl, iat: Math.floor(Date.now() / 1000), ...credentialDataSupplierInput.claims },
  }))
  .withCredentialSignerCallback(async ({ credential }) => {
    const claims = Object.keys(credential).filter((k) => !['vct', 'iss', 'iat', 'cnf'].includes(k));
    return sdJwtVc.issue(credential, { _sd: claims }, { header: { typ: 'dc+sd-jwt' } });
  })
  .build();

const app = express();
app.use(express.json({ limit: '1mb' }));
app.use(express.urlencoded({ extended: true }));
new OID4VCIServer(
  { express: app },
  {
    issuer,
    baseUrl,
    endpointOpts: {
      tokenEndpointOpts: {
        accessTokenSignerCallback: async ({ header, payload }) => new SignJWT(payload).setProtectedHeader({ ...header, alg: 'ES256' }).sign(accessTokenKeys.privateKey),
        accessTokenVerificationCallback: async ({ jwt }) => {
          const { payload, protectedHeader } = await jwtVerify(jwt, accessTokenKeys.publicKey, { algorithms: ['ES256'] });
          return { jwt: { header: protectedHeader, payload } };
        },
        tokenExpiresIn: 300,
      },
      createCredentialOfferOpts: { defaultCredentialOfferMode: 'REFERENCE' },
    },
  },
);
app.listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
