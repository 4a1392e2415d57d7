import { readFileSync } from 'fs';
import { join } from 'path';
import type { EventData, EventEnvelope, NewEvent, RawEventEnvelope, SessionStreamEvent } from './index';
import { EVENT_CATALOG, EVENT_TYPES, belongsToStream, knownEvent, parseEnvelope, readEvent, streams } from './index';

/*
 * The catalogue's types are checked by the compiler: this file is part of `npm run typecheck`
 * (tsconfig.json includes every spec), so each `@ts-expect-error` below fails the type check the
 * day the line it marks compiles.
 */

const request = { method: 'GET', path: '/offers/{offer_id}' };

describe('typed events', () => {
  it('does not compile a misspelled event type or a wrong payload', () => {
    const ok: NewEvent = { event_type: 'offer_retrieved', data: { offer_id: 'o', request } };
    // @ts-expect-error: misspelled event type
    const misspelled: NewEvent = { event_type: 'offer_retreived', data: { offer_id: 'o', request } };
    // @ts-expect-error: offer_retrieved has no user_agent at its current version (v1 had; the upcaster moved it)
    const oldPayload: NewEvent = { event_type: 'offer_retrieved', data: { offer_id: 'o', user_agent: 'x' } };
    // @ts-expect-error: a session_erased payload under offer_retrieved
    const wrongPayload: NewEvent<'offer_retrieved'> = { event_type: 'offer_retrieved', data: { reason: 'r' } };
    // @ts-expect-error: token_rejected does not belong in the session stream
    const wrongStream: SessionStreamEvent = { event_type: 'token_rejected', data: {} };
    expect([ok, misspelled, oldPayload, wrongPayload, wrongStream]).toHaveLength(5);
  });

  it('narrows the payload on event_type, without casts', () => {
    const event = readEvent(parseEnvelope(readFileSync(join(__dirname, '..', 'fixtures', 'offer_retrieved.v1.json'))));
    if (event.event_type !== 'offer_retrieved') throw new Error('expected offer_retrieved');
    const data: EventData<'offer_retrieved'> = event.data;
    expect(data.request.user_agent).toBe('EUDI Wallet/2025.10 (Android)');
    // @ts-expect-error: narrowed to offer_retrieved, which has no token_id_hash
    expect(event.data.token_id_hash).toBeUndefined();
  });

  it('derives the type names from the catalogue', () => {
    expect(EVENT_TYPES).toEqual(Object.keys(EVENT_CATALOG));
    expect(EVENT_TYPES).toContain('credential_request_rejected');
    for (const [type, definition] of Object.entries(EVENT_CATALOG)) expect(definition.type).toBe(type);
  });

  it('keeps every payload closed, as the wire contract has it', () => {
    for (const definition of Object.values(EVENT_CATALOG))
      for (const schema of Object.values(definition.schemas))
        expect(JSON.parse(JSON.stringify(schema))).toMatchObject({ type: 'object', additionalProperties: false });
  });

  it('types a stream by its name and keeps foreign events out of it', () => {
    expect(belongsToStream(streams.session('s1'), 'offer_retrieved')).toBe(true);
    expect(belongsToStream(streams.session('s1'), 'token_issued')).toBe(false);
    expect(belongsToStream(streams.credentials('s1'), 'credential_request_rejected')).toBe(true);
    expect(belongsToStream(streams.unattributedRequest('r1'), 'nonce_issued')).toBe(false);
    expect(belongsToStream('test:s1', 'nonce_issued')).toBe(true);
  });

  it('reads only catalogue events as typed ones; others stay raw', () => {
    const raw: RawEventEnvelope = {
      ...parseEnvelope(readFileSync(join(__dirname, '..', 'fixtures', 'offer_retrieved.v1.json'))),
      event_type: 'offer_exploded',
    };
    expect(knownEvent(raw)).toBeUndefined();
    expect(() => readEvent(raw)).toThrow(/unknown event type offer_exploded/);
    const current: RawEventEnvelope = { ...raw, event_type: 'session_erased', schema_version: 1, data: {} };
    const known: EventEnvelope | undefined = knownEvent(current);
    expect(known?.event_type).toBe('session_erased');
    expect(knownEvent({ ...current, data: { reason: 7 } })).toBeUndefined();
  });
});
