import { readFileSync } from 'fs';
import { join } from 'path';
import type { RawEventEnvelope } from './envelope';
import { EventContractError, assertAppendable, parseEnvelope, upcastAndValidate } from './event-validation';

const fixture = (name: string): RawEventEnvelope =>
  parseEnvelope(readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8'));

describe('event contract', () => {
  it('upcasts a stored offer_retrieved v1 to the current version', () => {
    const upcast = upcastAndValidate(fixture('offer_retrieved.v1.json'));
    expect(upcast.schema_version).toBe(2);
    expect(upcast.data).toEqual({
      offer_id: '0192f3a0-7c2e-7b1a-9a4e-0000000000aa',
      request: { method: 'GET', path: '/offers/{offer_id}', user_agent: 'EUDI Wallet/2025.10 (Android)' },
    });
  });

  it('leaves a current-version event as it is', () => {
    const v2 = {
      ...fixture('offer_retrieved.v1.json'),
      schema_version: 2,
      data: { offer_id: 'o', request: { method: 'GET', path: '/x' } },
    };
    expect(upcastAndValidate(v2)).toEqual(v2);
  });

  it('accepts a request context with redacted headers, query and body, and still accepts one without (compatible addition)', () => {
    const request = {
      method: 'POST',
      path: '/token',
      headers: {
        authorization: 'DPoP <present, len=612, sha256=AbCdEf12>',
        'content-type': 'application/x-www-form-urlencoded',
      },
      query: { access_token: '<present, len=612, sha256=AbCdEf12>' },
      body: { grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code', tx_code: '<present, withheld>' },
    };
    const v2 = { ...fixture('offer_retrieved.v1.json'), schema_version: 2, data: { offer_id: 'o', request } };
    expect(upcastAndValidate(v2)).toEqual(v2);
    const numericHeader = {
      ...v2,
      data: { offer_id: 'o', request: { ...request, headers: { 'content-length': 12 } } },
    };
    expect(() => upcastAndValidate(numericHeader)).toThrow(EventContractError);
  });

  it('rejects a payload that breaks its schema, naming the field', () => {
    const bad = { ...fixture('offer_retrieved.v1.json'), data: { user_agent: 3 } };
    expect(() => upcastAndValidate(bad)).toThrow(/offer_id/);
  });

  it('rejects a version newer than this build knows', () => {
    const future = { ...fixture('offer_retrieved.v1.json'), schema_version: 9 };
    expect(() => upcastAndValidate(future)).toThrow(EventContractError);
  });

  it('refuses to append an event emitted by the wrong service', () => {
    expect(() => assertAppendable({ event_type: 'session_erased', data: {} }, 'credential-service')).toThrow(
      /produced by offer-service/,
    );
    expect(assertAppendable({ event_type: 'session_erased', data: {} }, 'offer-service')).toBe(1);
  });

  it('refuses unknown event types on append', () => {
    // @ts-expect-error: not a catalogue type (refused at run time too, for callers outside TypeScript)
    expect(() => assertAppendable({ event_type: 'offer_exploded', data: {} }, 'offer-service')).toThrow(
      /unknown event type/,
    );
  });

  it('parses only event envelopes', () => {
    expect(() => parseEnvelope('not json')).toThrow(/not JSON/);
    expect(() => parseEnvelope('{"event_type":"x"}')).toThrow(/event_id missing/);
  });
});
