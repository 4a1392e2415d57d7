import type { ValidateFunction } from 'ajv/dist/2020';
import { SERVICES, type EventEnvelope, type NewEvent, type RawEventEnvelope, type ServiceName } from './envelope';
import { EVENT_CATALOG, eventDefinition, isEventType, type EventDefinition } from './event-catalog';
import { validatorOf } from './schema-validator';

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

const invalid = (def: EventDefinition, version: number, validate: ValidateFunction): EventContractError =>
  new EventContractError(
    `${def.type} v${version} payload is invalid`,
    (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`),
  );

const check = (def: EventDefinition, version: number, data: unknown): void => {
  const schema = def.schemas[version];
  if (!schema) throw new EventContractError(`no schema for ${def.type} v${version}`);
  const validate = validatorOf(schema);
  if (!validate(data)) throw invalid(def, version, validate);
};

/** On append: the type must be known, emitted by this service, and its payload valid at the current version. */
export function assertAppendable(event: NewEvent, source: ServiceName): number {
  const def = eventDefinition(event.event_type);
  if (!def) throw new EventContractError(`unknown event type ${event.event_type}`);
  if (def.producer !== source) {
    throw new EventContractError(`${event.event_type} is produced by ${def.producer}, not ${source}`);
  }
  check(def, def.currentVersion, event.data);
  return def.currentVersion;
}

/** Whether an envelope is a catalogue event at its current version with a valid payload: then it is typed. */
export function isKnownEvent(envelope: RawEventEnvelope): envelope is RawEventEnvelope & EventEnvelope {
  if (!isEventType(envelope.event_type)) return false;
  const def = EVENT_CATALOG[envelope.event_type];
  return envelope.schema_version === def.currentVersion && validatorOf(def.schema)(envelope.data);
}

/**
 * Upcasts a stored or received event of a catalogue type to the current schema version and
 * validates it: the typed event. An event type this build does not know is a contract error here
 * (a service's own streams hold only its own, known, events).
 */
export function readEvent(envelope: RawEventEnvelope): EventEnvelope {
  const def = eventDefinition(envelope.event_type);
  if (!def) throw new EventContractError(`unknown event type ${envelope.event_type}`);
  if (!Number.isInteger(envelope.schema_version) || envelope.schema_version < 1) {
    throw new EventContractError(`invalid schema_version ${envelope.schema_version}`);
  }
  if (envelope.schema_version > def.currentVersion) {
    throw new EventContractError(
      `${envelope.event_type} v${envelope.schema_version} is newer than this build knows (v${def.currentVersion})`,
    );
  }
  let current = envelope;
  if (envelope.schema_version < def.currentVersion) {
    let data: unknown = envelope.data;
    for (let version = envelope.schema_version; version < def.currentVersion; version++) {
      check(def, version, data);
      const up = def.upcasters[version];
      if (!up) throw new EventContractError(`no upcaster for ${def.type} v${version}`);
      data = up.upcast(data);
    }
    if (!isRecord(data)) throw new EventContractError(`${def.type} upcast to a non-object`);
    current = { ...envelope, schema_version: def.currentVersion, data };
  }
  if (isKnownEvent(current)) return current;
  throw invalid(def, def.currentVersion, validatorOf(def.schema));
}

/**
 * On consume: upcasts and validates an event of a catalogue type (`readEvent`); events of types
 * this build does not know are returned unchanged (newer producers, older consumers).
 */
export function upcastAndValidate(envelope: RawEventEnvelope): RawEventEnvelope {
  return isEventType(envelope.event_type) ? readEvent(envelope) : envelope;
}

/** The typed event when `envelope` (already through `upcastAndValidate`) is of a catalogue type, else undefined. */
export const knownEvent = (envelope: RawEventEnvelope): EventEnvelope | undefined =>
  isKnownEvent(envelope) ? envelope : undefined;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isServiceName = (v: unknown): v is ServiceName => SERVICES.some((s) => s === v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Whether every member of `fields` is set: narrows `{ k: T | undefined }` to `{ k: T }`. */
const allPresent = <T extends Record<string, unknown>>(fields: {
  [K in keyof T]: T[K] | undefined;
}): fields is T => Object.values(fields).every((v) => v !== undefined);

/** Parses a serialized envelope (a Kafka record value), rejecting anything that is not one. */
export function parseEnvelope(raw: string | Buffer | null): RawEventEnvelope {
  if (raw === null) throw new EventContractError('record has no value');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString());
  } catch {
    throw new EventContractError('record value is not JSON');
  }
  if (!isRecord(parsed)) throw new EventContractError('record value is not an object');
  const fields = {
    event_id: str(parsed.event_id),
    event_type: str(parsed.event_type),
    schema_version: num(parsed.schema_version),
    stream_id: str(parsed.stream_id),
    stream_version: num(parsed.stream_version),
    session_id: str(parsed.session_id),
    occurred_at: str(parsed.occurred_at),
    recorded_at: str(parsed.recorded_at),
    source: isServiceName(parsed.source) ? parsed.source : undefined,
    correlation_id: str(parsed.correlation_id),
    data: isRecord(parsed.data) ? parsed.data : undefined,
  };
  if (!allPresent(fields)) {
    const missing = Object.entries(fields).filter(([, v]) => v === undefined);
    throw new EventContractError(
      'not an event envelope',
      missing.map(([m]) => `${m} missing or invalid`),
    );
  }
  return {
    ...fields,
    causation_id: strOrNull(parsed.causation_id),
    traceparent: strOrNull(parsed.traceparent),
    tracestate: strOrNull(parsed.tracestate),
  };
}
