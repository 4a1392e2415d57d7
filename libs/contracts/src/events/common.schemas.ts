import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Sub-schemas shared by several event payloads. Every payload is a TypeBox schema: it is the JSON
 * Schema Ajv validates on append and on read, and its `Static` type is the payload's TypeScript
 * type (docs/adr/0007-typed-events.md).
 */

/** `T | null` (JSON Schema `anyOf` with `{ type: 'null' }`). */
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** One of a few string constants (JSON Schema `enum`, as the payloads always had it). */
export const StringEnum = <const T extends readonly string[]>(values: T) => Type.Unsafe<T[number]>({ enum: values });

/** A payload object: closed (additionalProperties false) like every event payload. */
export const Payload = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

export const DateTime = () => Type.String({ format: 'date-time' });

/** A SHA-256 fingerprint (base64url) of a secret that is looked up but never stored in clear. */
export const secretHashSchema = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$' });

/** A value encrypted with the session's data key (crypto-shredding: erase the key, the value is gone). */
export const sealedValueSchema = Payload({
  alg: Type.Literal('A256GCM'),
  iv: Type.String({ minLength: 1 }),
  ciphertext: Type.String(),
  tag: Type.String({ minLength: 1 }),
});
export type SealedValue = Static<typeof sealedValueSchema>;

/**
 * The wallet-facing request that caused an event, already redacted by the one policy
 * (libs/platform redaction): secrets as `<present, len=N, sha256=...>`, no tx_code, masked IP,
 * claim names only.
 */
export const requestContextSchema = Payload({
  method: Type.String(),
  path: Type.String(),
  user_agent: Type.Optional(Type.String({ maxLength: 512 })),
  client_ip: Type.Optional(Type.String({ maxLength: 64 })),
  /** Request headers by lower-case name, redacted; infrastructure headers only when configured. */
  headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 1100 }), { maxProperties: 64 })),
  /** The query parameters, redacted. */
  query: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 50 })),
  /** The parsed body (JSON or form), redacted; a fingerprint when it could not be parsed. */
  body: Type.Optional(Type.Unknown()),
});
export type RequestContext = Static<typeof requestContextSchema>;

/**
 * What a refusal that compares values says about them (catalogue entries with `compares`): the
 * value the issuer expected and the one the wallet sent, description-safe, never a secret.
 */
export const comparisonProperties = {
  expected: Type.Optional(Type.String({ maxLength: 300 })),
  provided: Type.Optional(Type.String({ maxLength: 300 })),
};
export const comparisonSchema = Payload(comparisonProperties);
export type Comparison = Static<typeof comparisonSchema>;
