import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import { join } from 'path';
import { loadIssuerConfig, parseIssuerConfig } from '@hallmark/issuer-config';
import { issuerMetadata } from './issuer-metadata';

describe('issuer metadata', () => {
  const metadata = issuerMetadata(
    loadIssuerConfig(join(__dirname, '../../../../config/issuer.json')),
    'https://issuer.example',
    {
      jwk: { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43), kid: 'k1', alg: 'ECDH-ES', use: 'enc' },
      required: true,
    },
  );

  it('is valid OID4VCI 1.0 issuer metadata for the shipped demo configuration', () => {
    const schema = JSON.parse(
      readFileSync(
        join(__dirname, '../../../../third_party/openid-conformance-schemas/credential_issuer_metadata-1_0.json'),
        'utf8',
      ),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    expect(ajv.validate(schema, metadata) || ajv.errors).toBe(true);
  });

  it('advertises request and response encryption together, with the public encryption key only', () => {
    expect(metadata.credential_request_encryption).toEqual({
      jwks: {
        keys: [
          { kty: 'EC', crv: 'P-256', x: 'x'.repeat(43), y: 'y'.repeat(43), kid: 'k1', alg: 'ECDH-ES', use: 'enc' },
        ],
      },
      enc_values_supported: ['A128GCM', 'A256GCM'],
      zip_values_supported: ['DEF'],
      encryption_required: true,
    });
    expect(metadata.credential_response_encryption).toEqual({
      alg_values_supported: ['ECDH-ES'],
      enc_values_supported: ['A128GCM', 'A256GCM'],
      zip_values_supported: ['DEF'],
      encryption_required: true,
    });
  });

  it('keeps Hallmark-only settings out of what wallets see', () => {
    expect(JSON.stringify(metadata)).not.toMatch(/selectively_disclosable|validity_days/);
    expect(metadata.credential_endpoint).toBe('https://issuer.example/credential');
  });

  it('advertises the smallest configuration batch size, so no configuration takes fewer proofs than batch_size', () => {
    const config = parseIssuerConfig({
      batch_size: 60,
      credential_configurations_supported: {
        pid: { format: 'dc+sd-jwt', vct: 'urn:pid', batch_size: 20 },
        age: { format: 'dc+sd-jwt', vct: 'urn:age' },
        vc: { format: 'jwt_vc_json', credential_definition: { type: ['VerifiableCredential'] }, batch_size: 30 },
      },
    });
    const advertised = issuerMetadata(config, 'https://issuer.example');
    expect(advertised.batch_credential_issuance).toEqual({ batch_size: 20 });
    expect(JSON.stringify(advertised.credential_configurations_supported)).not.toContain('batch_size');
    expect(metadata.batch_credential_issuance).toEqual({ batch_size: 60 }); // the demo: 60 for every configuration
    const over = { format: 'dc+sd-jwt', vct: 'urn:pid', batch_size: 61 };
    expect(() => parseIssuerConfig({ credential_configurations_supported: { pid: over } })).toThrow(/batch_size/);
    expect(() => parseIssuerConfig({ batch_size: 61, credential_configurations_supported: {} })).toThrow(/batch_size/);
  });
});
