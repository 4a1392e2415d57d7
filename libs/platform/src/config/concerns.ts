import { resolve } from 'path';
import { SERVICES, type ServiceName } from '@hallmark/contracts';
import type { LogLevel } from '@hallmark/telemetry';
import type { RedactionPolicy } from '../redaction';
import { concern, optional, required, setting } from './concern';
import { deriveGrantKeys, type GrantKeys } from './grant-keys';
import { boolean, hostPortList, integer, invalid, key32, oneOf, port, text, url, type ValueType } from './variables';

/**
 * Every environment variable Hallmark reads, one concern each (the OTEL_* variables are the
 * OpenTelemetry SDK's, read by the exporter setup in libs/telemetry, and listed in
 * `DOCUMENTED_ELSEWHERE`). The tables in README.md and docs/architecture.md are generated from
 * these declarations (`npm run docs:config`).
 */

export const http = concern({
  name: 'http',
  title: 'HTTP listener and public address',
  settings: ['port', 'publicUrl', 'trustProxyHops'],
  variables: {
    PORT: setting({
      name: 'PORT',
      type: port(),
      default: 8080,
      defaults: {
        'offer-service': 8081,
        'authorization-server': 8082,
        'credential-service': 8083,
        'audit-projector': 8084,
      },
      documentedDefault: '8081 to 8084 (services), 8080 (hallmark)',
      description: 'HTTP port',
    }),
    HALLMARK_PUBLIC_URL: optional({
      name: 'HALLMARK_PUBLIC_URL',
      type: url(),
      documentedDefault: '`http://localhost:$PORT`',
      description: "the issuer's public base URL: `credential_issuer`, `credential_offer_uri` base, token audience",
    }),
    HALLMARK_TRUST_PROXY: setting({
      name: 'HALLMARK_TRUST_PROXY',
      type: integer({ min: 0, max: 16 }),
      default: 0,
      description:
        'proxy hops in front of the service trusted to set `X-Forwarded-For` (0: the socket address is the client; the dev gateway: 1; Istio sidecar and gateway: 2)',
    }),
  },
  build: (v) => ({
    port: v.PORT,
    publicUrl: v.HALLMARK_PUBLIC_URL ?? `http://localhost:${v.PORT}`,
    trustProxyHops: v.HALLMARK_TRUST_PROXY,
  }),
});

export const database = concern({
  name: 'database',
  title: 'Postgres',
  settings: ['databaseUrl', 'preparedStatements'],
  variables: {
    DATABASE_URL: setting({
      name: 'DATABASE_URL',
      type: url(['postgres:', 'postgresql:']),
      secret: true, // may hold a password
      default: 'postgres://postgres@127.0.0.1:5432/hallmark',
      documentedDefault:
        '`postgres://postgres@127.0.0.1:5432/hallmark`; hallmark: an embedded PostgreSQL in the data directory',
      description: 'one database for the event stores and projections; each service uses its own schema',
    }),
    HALLMARK_DB_PREPARED_STATEMENTS: setting({
      name: 'HALLMARK_DB_PREPARED_STATEMENTS',
      type: boolean(),
      default: true,
      description:
        'prepare each statement once per connection; `false` behind a pooler that does not keep them across transactions (PgBouncer in transaction mode before 1.21, or without `max_prepared_statements`)',
    }),
  },
  build: (v) => ({ databaseUrl: v.DATABASE_URL, preparedStatements: v.HALLMARK_DB_PREPARED_STATEMENTS }),
});

export const transport = concern({
  name: 'transport',
  title: 'Event transport (Kafka)',
  settings: ['transport', 'kafkaBrokers', 'kafkaNamespace', 'topicPartitions', 'topicReplicationFactor'],
  variables: {
    HALLMARK_TRANSPORT: setting({
      name: 'HALLMARK_TRANSPORT',
      type: oneOf(['kafka', 'in-process'] as const),
      default: 'kafka',
      defaults: { hallmark: 'in-process' },
      documentedDefault: '`kafka`; hallmark: `in-process`',
      description: 'how events travel between the services',
    }),
    KAFKA_BROKERS: setting({
      name: 'KAFKA_BROKERS',
      type: hostPortList(),
      default: ['127.0.0.1:9092'],
      description: 'bootstrap servers (the client has no TLS or SASL settings yet)',
    }),
    HALLMARK_KAFKA_NAMESPACE: optional({
      name: 'HALLMARK_KAFKA_NAMESPACE',
      type: text({ pattern: /^[A-Za-z0-9._-]{1,100}$/, expected: 'letters, digits, `.`, `_` or `-`' }),
      documentedDefault: 'none',
      description: 'prefix of topics and consumer groups on a shared cluster',
    }),
    HALLMARK_TOPIC_PARTITIONS: setting({
      name: 'HALLMARK_TOPIC_PARTITIONS',
      type: integer({ min: 1, max: 1000 }),
      default: 6,
      description: 'partitions of the topics Hallmark creates when they are missing',
    }),
    HALLMARK_TOPIC_REPLICATION_FACTOR: setting({
      name: 'HALLMARK_TOPIC_REPLICATION_FACTOR',
      type: integer({ min: 1, max: 32 }),
      default: 1,
      description: 'replication factor of the topics Hallmark creates',
    }),
  },
  build: (v) => ({
    transport: v.HALLMARK_TRANSPORT,
    kafkaBrokers: v.KAFKA_BROKERS,
    kafkaNamespace: v.HALLMARK_KAFKA_NAMESPACE,
    topicPartitions: v.HALLMARK_TOPIC_PARTITIONS,
    topicReplicationFactor: v.HALLMARK_TOPIC_REPLICATION_FACTOR,
  }),
});

export const adminAuth = concern({
  name: 'admin-auth',
  title: 'Admin API bearer tokens',
  settings: ['adminToken', 'auditorToken'],
  variables: {
    HALLMARK_ADMIN_TOKEN: optional({
      name: 'HALLMARK_ADMIN_TOKEN',
      type: text({ minLength: 16 }),
      secret: true,
      documentedDefault: 'none (the admin API answers 401); hallmark: generated',
      description: 'bearer token that may read and write the admin API',
    }),
    HALLMARK_AUDITOR_TOKEN: optional({
      name: 'HALLMARK_AUDITOR_TOKEN',
      type: text({ minLength: 16 }),
      secret: true,
      documentedDefault: 'none',
      description: 'bearer token that may only read the admin API',
    }),
  },
  build: (v) => ({ adminToken: v.HALLMARK_ADMIN_TOKEN, auditorToken: v.HALLMARK_AUDITOR_TOKEN }),
});

export const sessionKeys = concern({
  name: 'session-keys',
  title: 'Personal data sealing',
  settings: ['masterKey'],
  variables: {
    HALLMARK_MASTER_KEY: required({
      name: 'HALLMARK_MASTER_KEY',
      type: key32(),
      secret: true,
      documentedDefault: 'required; hallmark: generated',
      description: "wraps each session's data key; losing it makes every sealed value unreadable",
    }),
  },
  build: (v) => ({ masterKey: v.HALLMARK_MASTER_KEY }),
});

export const grantKey = concern({
  name: 'grant-key',
  title: 'Grant key (one key derived per purpose with HKDF)',
  settings: ['grantKeys'],
  variables: {
    HALLMARK_GRANT_KEY: required({
      name: 'HALLMARK_GRANT_KEY',
      type: key32(),
      secret: true,
      documentedDefault: 'required; hallmark: generated',
      description:
        'shared by the offer service and the authorization server; separate keys are derived from it (HKDF-SHA256) for pre-authorized codes, authorization handles, DPoP nonces, attestation challenges and the upstream login',
    }),
  },
  build: (v): { grantKeys: GrantKeys } => ({ grantKeys: deriveGrantKeys(v.HALLMARK_GRANT_KEY) }),
});

export const internalCalls = concern({
  name: 'internal-calls',
  title: "Service-to-service calls to the offer service's internal API",
  settings: ['internalToken'],
  variables: {
    HALLMARK_INTERNAL_TOKEN: optional({
      name: 'HALLMARK_INTERNAL_TOKEN',
      type: text({ minLength: 16 }),
      secret: true,
      requiredBy: ['offer-service', 'credential-service', 'hallmark'],
      documentedDefault: 'required by offer-service and credential-service; hallmark: generated',
      description:
        "bearer token of the internal calls (the credential service asks for a session's claims at issuance; the authorization server creates the session of a wallet-initiated login)",
    }),
  },
  build: (v) => ({ internalToken: v.HALLMARK_INTERNAL_TOKEN }),
});

export const offerServiceClient = concern({
  name: 'offer-service-client',
  title: 'Where the offer service is reached',
  settings: ['offerServiceUrl'],
  variables: {
    HALLMARK_OFFER_SERVICE_URL: setting({
      name: 'HALLMARK_OFFER_SERVICE_URL',
      type: url(),
      default: 'http://127.0.0.1:8081',
      documentedDefault: '`http://127.0.0.1:8081`; hallmark: its own port',
      description: "the offer service's internal API (not routed by the gateway)",
    }),
  },
  build: (v) => ({ offerServiceUrl: v.HALLMARK_OFFER_SERVICE_URL }),
});

export const accessTokens = concern({
  name: 'access-tokens',
  title: 'Access tokens issued',
  settings: ['accessTokenTtlSeconds'],
  variables: {
    HALLMARK_ACCESS_TOKEN_TTL: setting({
      name: 'HALLMARK_ACCESS_TOKEN_TTL',
      type: integer({ min: 1, max: 86400, unit: 'seconds' }),
      default: 600,
      description: 'access token lifetime',
    }),
  },
  build: (v) => ({ accessTokenTtlSeconds: v.HALLMARK_ACCESS_TOKEN_TTL }),
});

export const tokenBinding = concern({
  name: 'token-binding',
  title: 'Access token binding',
  settings: ['allowBearerTokens'],
  variables: {
    HALLMARK_ALLOW_BEARER_TOKENS: setting({
      name: 'HALLMARK_ALLOW_BEARER_TOKENS',
      type: boolean(),
      default: false,
      description:
        'issue and accept Bearer tokens for clients without DPoP (the authorization server and the credential service must agree)',
    }),
  },
  build: (v) => ({ allowBearerTokens: v.HALLMARK_ALLOW_BEARER_TOKENS }),
});

export const signingKeys = concern({
  name: 'signing-keys',
  title: "Issuer's signing keys",
  settings: ['keysDir'],
  variables: {
    HALLMARK_KEYS_DIR: setting({
      name: 'HALLMARK_KEYS_DIR',
      type: text(),
      default: '.hallmark/keys',
      documentedDefault: '`.hallmark/keys`; hallmark: `<data dir>/keys`',
      description:
        'signing keys, certificate chains and the credential encryption key; generated with a development CA when empty; replicas must share one supplied set',
    }),
  },
  build: (v) => ({ keysDir: v.HALLMARK_KEYS_DIR }),
});

export const credentials = concern({
  name: 'credentials',
  title: 'Credential issuance',
  settings: ['authorizationServerJwksUrl', 'cNonceTtlSeconds', 'compatDraftRequests', 'credentialEncryptionRequired'],
  variables: {
    HALLMARK_AS_JWKS_URL: optional({
      name: 'HALLMARK_AS_JWKS_URL',
      type: url(),
      documentedDefault: '`$HALLMARK_PUBLIC_URL/.well-known/jwks.json`',
      description: "the authorization server's published keys, for verifying access tokens",
    }),
    HALLMARK_C_NONCE_TTL: setting({
      name: 'HALLMARK_C_NONCE_TTL',
      type: integer({ min: 1, max: 3600, unit: 'seconds' }),
      default: 300,
      description: 'how long a `c_nonce` from `POST /nonce` stays usable',
    }),
    HALLMARK_COMPAT_DRAFT_REQUESTS: setting({
      name: 'HALLMARK_COMPAT_DRAFT_REQUESTS',
      type: boolean(),
      default: true,
      description:
        'map draft-shaped credential requests (format + vct, singular proof) to the matching configuration, with a warning on the timeline',
    }),
    HALLMARK_CREDENTIAL_ENCRYPTION_REQUIRED: optional({
      name: 'HALLMARK_CREDENTIAL_ENCRYPTION_REQUIRED',
      type: boolean(),
      documentedDefault: '`false`; `true` under `HALLMARK_PROFILE=haip`',
      description:
        'require encrypted credential requests and responses (JWE, OID4VCI 1.0 Section 10); encryption is offered either way',
    }),
  },
  build: (v, { built }) => ({
    authorizationServerJwksUrl: v.HALLMARK_AS_JWKS_URL ?? `${publicUrlOf(built)}/.well-known/jwks.json`,
    cNonceTtlSeconds: v.HALLMARK_C_NONCE_TTL,
    compatDraftRequests: v.HALLMARK_COMPAT_DRAFT_REQUESTS,
    // HAIP 1.0 wallets (the EU reference wallet) expect encrypted responses: on by default under that profile.
    credentialEncryptionRequired: v.HALLMARK_CREDENTIAL_ENCRYPTION_REQUIRED ?? built.profile === 'haip',
  }),
});

const publicUrlOf = (built: Record<string, unknown>): string => {
  if (typeof built.publicUrl !== 'string') throw new Error('the credentials concern is composed after http');
  return built.publicUrl;
};

export const recording = concern({
  name: 'recording',
  title: 'What recorded wallet requests keep',
  settings: ['redaction'],
  variables: {
    HALLMARK_RECORD_INFRA_HEADERS: setting({
      name: 'HALLMARK_RECORD_INFRA_HEADERS',
      type: boolean(),
      default: false,
      description:
        'keep infrastructure headers (`x-envoy-*`, `x-forwarded-client-cert`, `x-b3-*`, `x-istio-*`, ...) in recorded wallet requests',
    }),
    HALLMARK_RECORD_CLIENT_IP: setting({
      name: 'HALLMARK_RECORD_CLIENT_IP',
      type: oneOf(['masked', 'none'] as const),
      default: 'masked',
      description: 'client addresses in recorded requests: `masked` (/24, /48) or `none`',
    }),
  },
  build: (v): { redaction: RedactionPolicy } => ({
    redaction: { keepInfrastructureHeaders: v.HALLMARK_RECORD_INFRA_HEADERS, clientIp: v.HALLMARK_RECORD_CLIENT_IP },
  }),
});

export const profile = concern({
  name: 'profile',
  title: 'Protocol profile',
  settings: ['profile'],
  variables: {
    HALLMARK_PROFILE: setting({
      name: 'HALLMARK_PROFILE',
      type: oneOf(['oid4vci', 'haip'] as const),
      default: 'oid4vci',
      description: '`haip`: HAIP 1.0, pushed authorization requests and wallet attestations required',
    }),
  },
  build: (v) => ({ profile: v.HALLMARK_PROFILE }),
});

export const login = concern({
  name: 'login',
  title: 'Login at the upstream OpenID Provider',
  settings: ['loginClientSecret'],
  variables: {
    HALLMARK_LOGIN_CLIENT_SECRET: optional({
      name: 'HALLMARK_LOGIN_CLIENT_SECRET',
      type: text(),
      secret: true,
      documentedDefault: 'none; required when the issuer configuration has `authorization.login`',
      description: "the authorization server's client secret at the upstream OpenID Provider",
    }),
  },
  build: (v) => ({ loginClientSecret: v.HALLMARK_LOGIN_CLIENT_SECRET }),
});

export const logging = concern({
  name: 'logging',
  title: 'Logs',
  settings: ['logLevel'],
  variables: {
    LOG_LEVEL: setting({
      name: 'LOG_LEVEL',
      type: oneOf(['debug', 'info', 'warn', 'error'] as const),
      default: 'info',
      description: 'the least severe level written (JSON lines on stdout)',
    }),
  },
  build: (v): { logLevel: LogLevel } => ({ logLevel: v.LOG_LEVEL }),
});

export const issuer = concern({
  name: 'issuer',
  title: 'Issuer configuration file',
  settings: ['issuerConfigPath'],
  variables: {
    HALLMARK_CONFIG: setting({
      name: 'HALLMARK_CONFIG',
      type: text(),
      default: 'config/issuer.json',
      description:
        'the issuer configuration (credential configurations, `authorization` section), validated at start; the demo file ships a PID and an age-verification credential',
    }),
  },
  build: (v) => ({ issuerConfigPath: v.HALLMARK_CONFIG }),
});

export const embeddedHost = concern({
  name: 'embedded-host',
  title: 'The one-process host (`npm start`)',
  settings: ['dataDir', 'externalDatabaseUrl'],
  variables: {
    HALLMARK_DATA_DIR: setting({
      name: 'HALLMARK_DATA_DIR',
      type: text(),
      default: '.hallmark/data',
      description:
        'the embedded database, the generated secrets (`secrets.json`, mode 0600: admin token, master key, grant key, internal token) and the signing keys',
    }),
    // Documented with the database concern: unset, the host starts an embedded PostgreSQL.
    DATABASE_URL: optional({ ...database.variables.DATABASE_URL, default: undefined }),
  },
  build: (v) => ({ dataDir: resolve(v.HALLMARK_DATA_DIR), externalDatabaseUrl: v.DATABASE_URL }),
});

/** An event store to replay: the producing service, its database and schema. */
export interface ReplaySource {
  service: ServiceName;
  url: string;
  schema: string;
}

const replaySources = (): ValueType<ReplaySource[]> => ({
  expected: 'comma-separated `service=url#schema`',
  parse(raw) {
    return raw.split(',').map((item, i) => {
      const m = /^([\w-]+)=(.+)#(\w+)$/.exec(item.trim());
      if (!m || !(SERVICES as readonly string[]).includes(m[1]))
        return invalid(
          `must be comma-separated service=url#schema (a service of ${SERVICES.join(', ')}); entry ${i + 1} is not`,
        );
      return { service: m[1] as ServiceName, url: m[2], schema: m[3] };
    });
  },
});

export const rebuild = concern({
  name: 'rebuild',
  title: 'Projection rebuild (`npm run projections:rebuild`)',
  settings: ['replaySources'],
  variables: {
    HALLMARK_REBUILD_SOURCES: optional({
      name: 'HALLMARK_REBUILD_SOURCES',
      type: replaySources(),
      secret: true, // database URLs may hold passwords
      documentedDefault: "every producing service's schema in `DATABASE_URL`",
      description: 'the event stores to replay, when they are not all in `DATABASE_URL`',
    }),
  },
  build: (v) => ({ replaySources: v.HALLMARK_REBUILD_SOURCES }),
});

/** Variables read by a library's own standard, listed in the tables but not parsed here. */
export const DOCUMENTED_ELSEWHERE = [
  {
    name: 'OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_TRACES_EXPORTER, OTEL_SERVICE_NAME',
    documentedDefault: 'unset (no export)',
    description:
      'standard OpenTelemetry SDK settings, read by the exporter setup (libs/telemetry): spans are exported over OTLP when an endpoint is set or `OTEL_TRACES_EXPORTER=otlp`',
  },
];
