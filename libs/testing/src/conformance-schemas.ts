// The OpenID Foundation conformance suite's JSON Schemas, vendored in third_party/ (MIT).
import { readFileSync } from 'fs';
import { join } from 'path';
import { REPO_ROOT } from './processes';

export type ConformanceSchemaName =
  | 'credential_issuer_metadata-1_0'
  | 'credential_offer-1_0'
  | 'credential_request-1_0'
  | 'oauth_authorization_server_metadata'
  | 'type_metadata';

export const CONFORMANCE_SCHEMAS_DIR = join(REPO_ROOT, 'third_party', 'openid-conformance-schemas');

export function conformanceSchema(name: ConformanceSchemaName): Record<string, unknown> {
  return JSON.parse(readFileSync(join(CONFORMANCE_SCHEMAS_DIR, `${name}.json`), 'utf8'));
}
