import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'fs';
import { join } from 'path';
import { loadIssuerConfig } from '@hallmark/issuer-config';
import { issuerMetadata } from './issuer-metadata';

describe('issuer metadata', () => {
  const metadata = issuerMetadata(
    loadIssuerConfig(join(__dirname, '../../../../config/issuer.json')),
    'https://issuer.example',
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

  it('keeps Hallmark-only settings out of what wallets see', () => {
    expect(JSON.stringify(metadata)).not.toMatch(/selectively_disclosable|validity_days/);
    expect(metadata.credential_endpoint).toBe('https://issuer.example/credential');
  });
});
