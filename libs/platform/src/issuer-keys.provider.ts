import type { Provider } from '@nestjs/common';
import { loadOrCreateIssuerKeys, type IssuerKeys } from '@hallmark/issuer-keys';
import { JsonLogger } from '@hallmark/telemetry';
import type { PlatformConfig } from './config';
import { PLATFORM_CONFIG } from './tokens';

export const ISSUER_KEYS = Symbol('ISSUER_KEYS');

/** The issuer's keys (credential signing with its x5c chain, access-token signing): loaded from HALLMARK_KEYS_DIR, generated there on first start. */
export const issuerKeysProvider: Provider<Promise<IssuerKeys>> = {
  provide: ISSUER_KEYS,
  inject: [PLATFORM_CONFIG, JsonLogger],
  useFactory: async (config: PlatformConfig, logger: JsonLogger) => {
    const keys = await loadOrCreateIssuerKeys({ dir: config.keysDir, issuerUrl: config.publicUrl });
    const log = logger;
    if (keys.created)
      log.info('issuer keys generated with a development CA', { dir: config.keysDir, kid: keys.credentialSigning.kid });
    for (const warning of keys.warnings) log.warn('issuer keys', { warning });
    return keys;
  },
};
