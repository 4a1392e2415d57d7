import { setDefaultLogLevel, type LogLevel } from '@hallmark/telemetry';
import { readConcerns, type AnyConcern, type ConfigOf, type Environment } from './concern';
import {
  accessTokens,
  adminAuth,
  credentials,
  database,
  embeddedHost,
  grantKey,
  http,
  internalCalls,
  issuer,
  logging,
  login,
  offerServiceClient,
  profile,
  rebuild,
  recording,
  sessionKeys,
  signingKeys,
  tokenBinding,
  transport,
} from './concerns';
import { ConfigError, type ProcessName } from './variables';

/** What every Nest process has: a listener, the database, the transport, logs, the issuer file, request recording. */
const COMMON = [http, database, transport, logging, issuer, recording] as const;

/** The concerns each process reads; a process reads and validates only these variables. */
export const PROCESS_CONCERNS = {
  'offer-service': [...COMMON, adminAuth, sessionKeys, grantKey, internalCalls],
  'authorization-server': [
    ...COMMON,
    grantKey,
    accessTokens,
    tokenBinding,
    signingKeys,
    profile,
    login,
    internalCalls,
    offerServiceClient,
  ],
  // The profile before the credentials concern: it sets the encryption default.
  'credential-service': [...COMMON, tokenBinding, signingKeys, profile, credentials, internalCalls, offerServiceClient],
  'audit-projector': [...COMMON, adminAuth],
  // The one-process host: the union of the four services, and its data directory.
  hallmark: [
    ...COMMON,
    adminAuth,
    sessionKeys,
    grantKey,
    internalCalls,
    offerServiceClient,
    accessTokens,
    tokenBinding,
    signingKeys,
    profile,
    credentials,
    login,
    embeddedHost,
  ],
  'projections-rebuild': [database, logging, rebuild],
} as const satisfies Record<ProcessName, readonly AnyConcern[]>;

export type ProcessConfig<P extends ProcessName> = ConfigOf<(typeof PROCESS_CONCERNS)[P]>;

/**
 * The typed configuration the service modules receive (PLATFORM_CONFIG): the one-process host's,
 * which is every service's. A service process holds only its own concerns' part; reading a
 * setting of a concern it does not compose throws (see `guardUncomposed`).
 */
export type PlatformConfig = Omit<ProcessConfig<'hallmark'>, 'dataDir' | 'externalDatabaseUrl'>;

export type NestProcessName = Exclude<ProcessName, 'projections-rebuild'>;

/** Reads and checks a process's configuration; throws a ConfigError naming every bad variable. */
export function readConfig<P extends ProcessName>(
  name: P,
  env: Environment = process.env,
  fallbacks: Environment = {},
): ProcessConfig<P> {
  const concerns: readonly AnyConcern[] = PROCESS_CONCERNS[name];
  const config = readConcerns(name, concerns, env, fallbacks) as object;
  if (name !== 'hallmark' && name !== 'projections-rebuild') guardUncomposed(name as NestProcessName, config);
  return config as ProcessConfig<P>;
}

/** A service's configuration, typed as what the modules inject. */
export function readServiceConfig(
  name: NestProcessName,
  env: Environment = process.env,
  fallbacks: Environment = {},
): PlatformConfig {
  const concerns: readonly AnyConcern[] = PROCESS_CONCERNS[name];
  const config = readConcerns(name, concerns, env, fallbacks) as object;
  guardUncomposed(name, config);
  // Every setting of the host's concerns is now there: the service's own, the others as getters that throw.
  return config as PlatformConfig;
}

/**
 * At a process's start: its configuration, or, when a variable is missing or malformed, a
 * message on stderr naming each one and exit code 78 (EX_CONFIG) before anything else starts.
 * `fallbacks` fill what the environment leaves unset (the embedded host's generated secrets).
 */
export function loadConfig<P extends ProcessName>(name: P, fallbacks: Environment = {}): ProcessConfig<P> {
  try {
    const config = readConfig(name, process.env, fallbacks);
    setDefaultLogLevel((config as { logLevel: LogLevel }).logLevel);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) exitOnConfigError(err);
    throw err;
  }
}

/** Part of a process's configuration, at its start (the host reads its data directory before the rest). */
export function loadConcerns<C extends readonly AnyConcern[]>(name: ProcessName, concerns: C): ConfigOf<C> {
  try {
    return readConcerns(name, concerns, process.env);
  } catch (err) {
    if (err instanceof ConfigError) exitOnConfigError(err);
    throw err;
  }
}

export function loadServiceConfig(name: NestProcessName, fallbacks: Environment = {}): PlatformConfig {
  try {
    const config = readServiceConfig(name, process.env, fallbacks);
    setDefaultLogLevel(config.logLevel);
    return config;
  } catch (err) {
    if (err instanceof ConfigError) exitOnConfigError(err);
    throw err;
  }
}

export const CONFIG_EXIT_CODE = 78;

export function exitOnConfigError(err: ConfigError): never {
  process.stderr.write(`configuration error: ${err.message}\n`);
  process.exit(CONFIG_EXIT_CODE);
}

/**
 * A service holds only its concerns' settings; reading another's (a module reading a setting its
 * service does not compose) throws at once, naming the concern to add to PROCESS_CONCERNS,
 * instead of quietly yielding undefined.
 */
function guardUncomposed(name: NestProcessName, config: object): void {
  const composed = new Set<AnyConcern>(PROCESS_CONCERNS[name]);
  for (const c of PROCESS_CONCERNS.hallmark) {
    if (composed.has(c)) continue;
    for (const setting of c.settings as readonly string[])
      Object.defineProperty(config, setting, {
        enumerable: false,
        get() {
          throw new ConfigError(
            `${name} read config.${setting}, a setting of the ${c.name} concern it does not compose (libs/platform/src/config/processes.ts)`,
          );
        },
      });
  }
}
