import { hkdfSync, randomBytes } from 'crypto';
import { ConfigError, deriveGrantKeys, readConfig, readServiceConfig, GRANT_KEY_PURPOSES, type ProcessName } from '.';

const key = (): string => randomBytes(32).toString('base64');

/** What each process needs to start, and nothing else. */
const MINIMAL: Record<ProcessName, Record<string, string>> = {
  'offer-service': { HALLMARK_MASTER_KEY: key(), HALLMARK_GRANT_KEY: key(), HALLMARK_INTERNAL_TOKEN: 'i'.repeat(24) },
  'authorization-server': { HALLMARK_GRANT_KEY: key() },
  'credential-service': { HALLMARK_INTERNAL_TOKEN: 'i'.repeat(24) },
  'audit-projector': {},
  hallmark: {
    HALLMARK_MASTER_KEY: key(),
    HALLMARK_GRANT_KEY: key(),
    HALLMARK_INTERNAL_TOKEN: 'i'.repeat(24),
  },
  'projections-rebuild': {},
};

function problemsOf(read: () => unknown): string[] {
  try {
    read();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration read at start', () => {
  it.each(Object.keys(MINIMAL) as ProcessName[])('%s starts with its required variables only', (process) => {
    expect(() => readConfig(process, MINIMAL[process])).not.toThrow();
  });

  it('names a missing key and the process that requires it', () => {
    expect(problemsOf(() => readConfig('authorization-server', {}))).toEqual([
      'HALLMARK_GRANT_KEY is required by authorization-server: 32 random bytes, base64 (openssl rand -base64 32)',
    ]);
    expect(problemsOf(() => readConfig('offer-service', {})).map((p) => p.split(' ')[0])).toEqual([
      'HALLMARK_MASTER_KEY',
      'HALLMARK_GRANT_KEY',
      'HALLMARK_INTERNAL_TOKEN',
    ]);
  });

  it('refuses a key that is not 32 bytes of base64, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    const [tooShort] = problemsOf(() => readConfig('authorization-server', { HALLMARK_GRANT_KEY: short }));
    expect(tooShort).toBe(
      'HALLMARK_GRANT_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32); it decodes to 16 bytes',
    );
    const [notBase64] = problemsOf(() =>
      readConfig('offer-service', { ...MINIMAL['offer-service'], HALLMARK_MASTER_KEY: 'not base64 at all!' }),
    );
    expect(notBase64).toMatch(/^HALLMARK_MASTER_KEY must be 32 bytes, base64-encoded/);
    expect(notBase64).not.toContain('not base64 at all');
    expect(tooShort).not.toContain(short);
  });

  it.each([
    ['HALLMARK_TOPIC_PARTITIONS', 'six', 'must be an integer from 1 to 1000, got "six"'],
    ['HALLMARK_TOPIC_PARTITIONS', '6.5', 'must be an integer from 1 to 1000, got "6.5"'],
    ['HALLMARK_TOPIC_PARTITIONS', '0', 'must be an integer from 1 to 1000, got "0"'],
    ['HALLMARK_TRUST_PROXY', '-1', 'must be an integer from 0 to 16, got "-1"'],
    ['PORT', '70000', 'must be an integer from 1 to 65535, got "70000"'],
    ['PORT', 'NaN', 'must be an integer from 1 to 65535, got "NaN"'],
    ['HALLMARK_ACCESS_TOKEN_TTL', '1e3', 'must be an integer from 1 to 86400 (seconds), got "1e3"'],
    ['HALLMARK_PROFILE', 'haip2', 'must be one of oid4vci, haip, got "haip2"'],
    ['HALLMARK_TRANSPORT', 'rabbit', 'must be one of kafka, in-process, got "rabbit"'],
    ['LOG_LEVEL', 'verbose', 'must be one of debug, info, warn, error, got "verbose"'],
    ['HALLMARK_ALLOW_BEARER_TOKENS', 'yes', 'must be true or false, got "yes"'],
    ['HALLMARK_PUBLIC_URL', 'issuer.example', 'must be an http or https URL, got "issuer.example"'],
    ['KAFKA_BROKERS', 'kafka', 'must be comma-separated host:port, and "kafka" is not, got "kafka"'],
  ])('refuses %s=%s', (name, value, message) => {
    expect(
      problemsOf(() => readConfig('authorization-server', { ...MINIMAL['authorization-server'], [name]: value })),
    ).toEqual([`${name} ${message}`]);
  });

  it('reports every problem at once, in a message naming the process', () => {
    let error: ConfigError | undefined;
    try {
      readConfig('authorization-server', { PORT: 'x', HALLMARK_C_NONCE_TTL: 'ignored: not read by this service' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/^authorization-server cannot start:/);
    expect(error!.problems.map((p) => p.split(' ')[0])).toEqual(['PORT', 'HALLMARK_GRANT_KEY']);
  });

  it('reports a variable two concerns read once (the host reads DATABASE_URL before the rest)', () => {
    const problems = problemsOf(() => readConfig('hallmark', { ...MINIMAL.hallmark, DATABASE_URL: 'mysql://db/x' }));
    expect(problems).toEqual(['DATABASE_URL must be a postgres or postgresql URL']);
  });

  it('reads only the concerns the process composes', () => {
    // The audit projector neither needs nor checks the keys.
    const config = readServiceConfig('audit-projector', { HALLMARK_GRANT_KEY: 'malformed', HALLMARK_MASTER_KEY: '' });
    expect(() => config.masterKey).toThrow(
      'audit-projector read config.masterKey, a setting of the session-keys concern it does not compose',
    );
    expect(() => config.grantKeys).toThrow(ConfigError);
    expect(Object.keys(config)).not.toContain('masterKey');
  });

  it('applies the defaults, per process where they differ, and treats an empty variable as unset', () => {
    const as = readConfig('authorization-server', { ...MINIMAL['authorization-server'], HALLMARK_PUBLIC_URL: '' });
    expect(as).toMatchObject({
      port: 8082,
      publicUrl: 'http://localhost:8082',
      transport: 'kafka',
      kafkaBrokers: ['127.0.0.1:9092'],
      topicPartitions: 6,
      accessTokenTtlSeconds: 600,
      allowBearerTokens: false,
      profile: 'oid4vci',
      redaction: { keepInfrastructureHeaders: false, clientIp: 'masked' },
      logLevel: 'info',
    });
    const credential = readConfig('credential-service', {
      ...MINIMAL['credential-service'],
      HALLMARK_PUBLIC_URL: 'https://issuer.example/',
      KAFKA_BROKERS: ' a:9092, b:9093 ',
    });
    expect(credential).toMatchObject({
      port: 8083,
      publicUrl: 'https://issuer.example',
      authorizationServerJwksUrl: 'https://issuer.example/.well-known/jwks.json',
      kafkaBrokers: ['a:9092', 'b:9093'],
      cNonceTtlSeconds: 300,
      compatDraftRequests: true,
    });
    expect(readConfig('hallmark', MINIMAL.hallmark)).toMatchObject({ port: 8080, transport: 'in-process' });
  });

  it('takes fallbacks (the host generated secrets) only where the environment is silent', () => {
    const generated = key();
    const fromFallback = readConfig(
      'hallmark',
      { HALLMARK_INTERNAL_TOKEN: 'i'.repeat(24) },
      {
        HALLMARK_MASTER_KEY: generated,
        HALLMARK_GRANT_KEY: generated,
        HALLMARK_ADMIN_TOKEN: 'generated-admin-token',
      },
    );
    expect(fromFallback.masterKey.toString('base64')).toBe(generated);
    expect(fromFallback.adminToken).toBe('generated-admin-token');
    const fromEnv = readConfig(
      'hallmark',
      { ...MINIMAL.hallmark, HALLMARK_ADMIN_TOKEN: 'operator-admin-token' },
      {
        HALLMARK_ADMIN_TOKEN: 'generated-admin-token',
      },
    );
    expect(fromEnv.adminToken).toBe('operator-admin-token');
  });

  it('parses the rebuild sources, naming a bad entry by its position', () => {
    const config = readConfig('projections-rebuild', {
      HALLMARK_REBUILD_SOURCES:
        'offer-service=postgres://a/x#hallmark_offer, credential-service=postgres://b/y#hallmark_credential',
    });
    expect(config.replaySources).toEqual([
      { service: 'offer-service', url: 'postgres://a/x', schema: 'hallmark_offer' },
      { service: 'credential-service', url: 'postgres://b/y', schema: 'hallmark_credential' },
    ]);
    const [problem] = problemsOf(() =>
      readConfig('projections-rebuild', { HALLMARK_REBUILD_SOURCES: 'offer-service=postgres://u:pw@a/x#s,nope' }),
    );
    expect(problem).toMatch(/^HALLMARK_REBUILD_SOURCES must be comma-separated service=url#schema .*entry 2 is not$/);
    expect(problem).not.toContain('pw');
  });
});

describe('keys derived from the grant key', () => {
  const grantKey = randomBytes(32);

  it('gives every purpose its own key, none of them the grant key', () => {
    const keys = Object.values(deriveGrantKeys(grantKey)).map((k) => Buffer.from(k).toString('hex'));
    expect(keys).toHaveLength(Object.keys(GRANT_KEY_PURPOSES).length);
    expect(new Set([...keys, grantKey.toString('hex')]).size).toBe(keys.length + 1);
    expect(keys.every((k) => k.length === 64)).toBe(true);
  });

  it('is stable, and keeps the derivations the handles and nonces used before the split', () => {
    const keys = deriveGrantKeys(grantKey);
    expect(deriveGrantKeys(Buffer.from(grantKey))).toEqual(keys);
    const earlier = (info: string): Buffer => Buffer.from(hkdfSync('sha256', grantKey, Buffer.alloc(0), info, 32));
    expect(Buffer.from(keys.authorizationHandles)).toEqual(earlier('hallmark authorization handles'));
    expect(Buffer.from(keys.dpopNonces)).toEqual(earlier('hallmark dpop nonce'));
    expect(Buffer.from(keys.attestationChallenges)).toEqual(earlier('hallmark attestation challenge'));
    expect(deriveGrantKeys(randomBytes(32)).grantCodes).not.toEqual(keys.grantCodes);
  });

  it('gives the offer service and the authorization server the same grant-code key', () => {
    const env = { ...MINIMAL['offer-service'], HALLMARK_GRANT_KEY: grantKey.toString('base64') };
    const offer = readConfig('offer-service', env);
    const as = readConfig('authorization-server', env);
    expect(offer.grantKeys.grantCodes).toEqual(as.grantKeys.grantCodes);
    expect(as.grantKeys.grantCodes).toEqual(deriveGrantKeys(grantKey).grantCodes);
  });
});
