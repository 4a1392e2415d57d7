import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { EventEnvelope, NewEvent, ServiceName } from './envelope';
import { EVENT_CATALOG } from './event-catalog';

/** Thrown when an event does not match its contract; `reasons` name each violated field. */
export class EventContractError extends Error {
  constructor(
    message: string,
    readonly reasons: string[] = [],
  ) {
    super(reasons.length ? `${message}: ${reasons.join('; ')}` : message);
    this.name = 'EventContractError';
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();
const validatorFor = (type: string, version: number): ValidateFunction | undefined => {
  const key = `${type}@${version}`;
  let fn = compiled.get(key);
  if (!fn) {
    const schema = EVENT_CATALOG[type]?.schemas[version];
    if (!schema) return undefined;
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
};

const check = (type: string, version: number, data: unknown): void => {
  const validate = validatorFor(type, version);
  if (!validate) throw new EventContractError(`no schema for ${type} v${version}`);
  if (!validate(data)) {
    throw new EventContractError(
      `${type} v${version} payload is invalid`,
      (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`),
    );
  }
};

/** On append: the type must be known, emitted by this service, and its payload valid at the current version. */
export function assertAppendable(event: NewEvent, source: ServiceName): number {
  const def = EVENT_CATALOG[event.event_type];
  if (!def) throw new EventContractError(`unknown event type ${event.event_type}`);
  if (def.producer !== source) {
    throw new EventContractError(`${event.event_type} is produced by ${def.producer}, not ${source}`);
  }
  check(def.type, def.currentVersion, event.data);
  return def.currentVersion;
}

/**
 * On consume: upcast a stored or received event to the current schema version, then validate it.
 * Events of types this build does not know are returned unchanged (newer producers, older consumers).
 */
export function upcastAndValidate(envelope: EventEnvelope): EventEnvelope {
  const def = EVENT_CATALOG[envelope.event_type];
  if (!def) return envelope;
  if (!Number.isInteger(envelope.schema_version) || envelope.schema_version < 1) {
    throw new EventContractError(`invalid schema_version ${envelope.schema_version}`);
  }
  if (envelope.schema_version > def.currentVersion) {
    throw new EventContractError(
      `${envelope.event_type} v${envelope.schema_version} is newer than this build knows (v${def.currentVersion})`,
    );
  }
  let data: unknown = envelope.data;
  let version = envelope.schema_version;
  check(def.type, version, data);
  while (version < def.currentVersion) {
    const up = def.upcasters[version];
    if (!up) throw new EventContractError(`no upcaster for ${def.type} v${version}`);
    data = up(data);
    version += 1;
  }
  if (version !== envelope.schema_version) check(def.type, version, data);
  return { ...envelope, schema_version: version, data: data as Record<string, unknown> };
}

const ENVELOPE_FIELDS: Array<[keyof EventEnvelope, string]> = [
  ['event_id', 'string'],
  ['event_type', 'string'],
  ['schema_version', 'number'],
  ['stream_id', 'string'],
  ['stream_version', 'number'],
  ['session_id', 'string'],
  ['occurred_at', 'string'],
  ['recorded_at', 'string'],
  ['source', 'string'],
  ['correlation_id', 'string'],
  ['data', 'object'],
];

/** Parses a serialized envelope (a Kafka record value), rejecting anything that is not one. */
export function parseEnvelope(raw: string | Buffer | null): EventEnvelope {
  if (raw === null) throw new EventContractError('record has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString());
  } catch {
    throw new EventContractError('record value is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw new EventContractError('record value is not an object');
  const env = parsed as Record<string, unknown>;
  const missing = ENVELOPE_FIELDS.filter(([k, t]) => typeof env[k] !== t || env[k] === null).map(([k]) => k);
  if (missing.length)
    throw new EventContractError(
      'not an event envelope',
      missing.map((m) => `${m} missing or invalid`),
    );
  return env as unknown as EventEnvelope;
}
