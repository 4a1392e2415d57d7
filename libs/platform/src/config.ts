import { SERVICES, type ServiceName } from '@hallmark/contracts';
import type { RedactionPolicy } from './redaction';

/** Process configuration from the environment, read in one place and checked at start. */
export interface PlatformConfig {
  databaseUrl: string;
  /**
   * HALLMARK_DB_PREPARED_STATEMENTS (default true): prepare statements once per connection. Set
   * false behind a pooler that does not keep them across transactions (PgBouncer in transaction
   * mode before 1.21, or without max_prepared_statements).
   */
  preparedStatements: boolean;
  transport: 'kafka' | 'in-process';
  kafkaBrokers: string[];
  /** HALLMARK_KAFKA_NAMESPACE: prefix of topics and consumer groups on a shared cluster. */
  kafkaNamespace: string | undefined;
  topicPartitions: number;
  topicReplicationFactor: number;
  publicUrl: string;
  adminToken: string | undefined;
  auditorToken: string | undefined;
  /**
   * HALLMARK_TRUST_PROXY: how many proxy hops in front of the service may set X-Forwarded-For
   * (0: none, the socket address is the client). Behind an Istio sidecar and gateway: 2.
   */
  trustProxyHops: number;
  /**
   * How wallet requests are recorded (libs/platform/src/redaction.ts): HALLMARK_RECORD_INFRA_HEADERS
   * (true: keep x-envoy-*, x-forwarded-client-cert, x-b3-*, ...; default false) and
   * HALLMARK_RECORD_CLIENT_IP (`masked`, the default, or `none`).
   */
  redaction: RedactionPolicy;
  /**
   * HALLMARK_KEYS_DIR: the issuer's signing keys and certificates. Generated there on first start
   * when empty; replicas must share one supplied set (a mounted secret).
   */
  keysDir: string;
  /** 32-byte key (base64) that wraps each session's data key. */
  masterKey: Buffer | undefined;
  /**
   * HALLMARK_GRANT_KEY: 32-byte key (base64) shared by the offer service, which seals
   * pre-authorized codes with it, and the authorization server, which opens them.
   */
  grantKey: Buffer | undefined;
  /** HALLMARK_ALLOW_BEARER_TOKENS: issue Bearer tokens to clients without DPoP (default: DPoP only). */
  allowBearerTokens: boolean;
  /** HALLMARK_ACCESS_TOKEN_TTL: access token lifetime in seconds (default 600). */
  accessTokenTtlSeconds: number;
  /** HALLMARK_C_NONCE_TTL: how long a c_nonce from the nonce endpoint stays usable, in seconds (default 300). */
  cNonceTtlSeconds: number;
  /**
   * HALLMARK_INTERNAL_TOKEN: bearer token of service-to-service calls (the credential service asks
   * the offer service, custodian of personal data, for a session's claims at issuance).
   */
  internalToken: string | undefined;
  /** HALLMARK_OFFER_SERVICE_URL: where the credential service reaches the offer service. */
  offerServiceUrl: string;
  /** HALLMARK_AS_JWKS_URL: the authorization server's published keys, for verifying access tokens. */
  authorizationServerJwksUrl: string;
  /**
   * HALLMARK_COMPAT_DRAFT_REQUESTS: map credential requests in the shape of earlier drafts
   * (format + vct, singular proof) to the matching configuration, with a warning on the timeline.
   * Default true.
   */
  compatDraftRequests: boolean;
  /**
   * HALLMARK_PROFILE: `oid4vci` (default) or `haip`. Under HAIP 1.0 pushed authorization requests
   * and wallet attestations are required.
   */
  profile: 'oid4vci' | 'haip';
  /** HALLMARK_LOGIN_CLIENT_SECRET: the authorization server's client secret at the upstream OpenID Provider. */
  loginClientSecret: string | undefined;
}

export class ConfigError extends Error {}

export function readPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const transport = (env.HALLMARK_TRANSPORT ?? 'kafka') as PlatformConfig['transport'];
  if (!['kafka', 'in-process'].includes(transport))
    throw new ConfigError(`HALLMARK_TRANSPORT must be kafka or in-process, got ${transport}`);
  const masterKey = env.HALLMARK_MASTER_KEY ? Buffer.from(env.HALLMARK_MASTER_KEY, 'base64') : undefined;
  if (masterKey && masterKey.length !== 32)
    throw new ConfigError('HALLMARK_MASTER_KEY must be 32 bytes, base64-encoded');
  const grantKey = env.HALLMARK_GRANT_KEY ? Buffer.from(env.HALLMARK_GRANT_KEY, 'base64') : undefined;
  if (grantKey && grantKey.length !== 32) throw new ConfigError('HALLMARK_GRANT_KEY must be 32 bytes, base64-encoded');
  const profile = (env.HALLMARK_PROFILE ?? 'oid4vci') as PlatformConfig['profile'];
  if (!['oid4vci', 'haip'].includes(profile))
    throw new ConfigError(`HALLMARK_PROFILE must be oid4vci or haip, got ${profile}`);
  return {
    profile,
    loginClientSecret: env.HALLMARK_LOGIN_CLIENT_SECRET || undefined,
    grantKey,
    allowBearerTokens: env.HALLMARK_ALLOW_BEARER_TOKENS === 'true',
    accessTokenTtlSeconds: Number(env.HALLMARK_ACCESS_TOKEN_TTL ?? 600),
    cNonceTtlSeconds: Number(env.HALLMARK_C_NONCE_TTL ?? 300),
    internalToken: env.HALLMARK_INTERNAL_TOKEN || undefined,
    compatDraftRequests: env.HALLMARK_COMPAT_DRAFT_REQUESTS !== 'false',
    offerServiceUrl: (env.HALLMARK_OFFER_SERVICE_URL ?? `http://127.0.0.1:${env.PORT ?? 8080}`).replace(/\/$/, ''),
    authorizationServerJwksUrl:
      env.HALLMARK_AS_JWKS_URL ??
      `${(env.HALLMARK_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 8080}`).replace(/\/$/, '')}/.well-known/jwks.json`,
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/hallmark',
    preparedStatements: env.HALLMARK_DB_PREPARED_STATEMENTS !== 'false',
    transport,
    kafkaBrokers: (env.KAFKA_BROKERS ?? '127.0.0.1:9092')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    kafkaNamespace: env.HALLMARK_KAFKA_NAMESPACE || undefined,
    topicPartitions: Number(env.HALLMARK_TOPIC_PARTITIONS ?? 6),
    topicReplicationFactor: Number(env.HALLMARK_TOPIC_REPLICATION_FACTOR ?? 1),
    publicUrl: (env.HALLMARK_PUBLIC_URL ?? `http://localhost:${env.PORT ?? 8080}`).replace(/\/$/, ''),
    trustProxyHops: Number(env.HALLMARK_TRUST_PROXY ?? 0),
    redaction: redactionPolicyOf(env),
    keysDir: env.HALLMARK_KEYS_DIR || '.hallmark/keys',
    adminToken: env.HALLMARK_ADMIN_TOKEN || undefined,
    auditorToken: env.HALLMARK_AUDITOR_TOKEN || undefined,
    masterKey,
  };
}

export const isServiceName = (s: string): s is ServiceName => (SERVICES as readonly string[]).includes(s);

function redactionPolicyOf(env: NodeJS.ProcessEnv): RedactionPolicy {
  const clientIp = env.HALLMARK_RECORD_CLIENT_IP ?? 'masked';
  if (clientIp !== 'masked' && clientIp !== 'none')
    throw new ConfigError(`HALLMARK_RECORD_CLIENT_IP must be masked or none, got ${clientIp}`);
  return { keepInfrastructureHeaders: env.HALLMARK_RECORD_INFRA_HEADERS === 'true', clientIp };
}
