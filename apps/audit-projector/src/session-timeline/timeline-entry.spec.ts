import type { RawEventEnvelope } from '@hallmark/contracts';
import { redact, toTimelineEntry } from './timeline-entry';

describe('timeline entry', () => {
  const envelope: RawEventEnvelope = {
    event_id: 'e1',
    event_type: 'offer_retrieved',
    schema_version: 2,
    stream_id: 'session:s1',
    stream_version: 3,
    session_id: 's1',
    occurred_at: '2026-11-28T10:00:00.000Z',
    recorded_at: '2026-11-28T10:00:00.002Z',
    source: 'offer-service',
    correlation_id: 'req-7',
    causation_id: null,
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    tracestate: null,
    data: { offer_id: 'o1', request: { method: 'GET', path: '/offers/{offer_ref}', user_agent: 'Wallet/1' } },
  };

  it('carries the endpoint, trace id and request id of the request that caused the event', () => {
    expect(toTimelineEntry(envelope)).toMatchObject({
      endpoint: 'GET /offers/{offer_ref}',
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      request_id: 'req-7',
      message: 'Wallet fetched the credential offer',
      level: 'info',
    });
  });

  it('shows sealed values by size only and secret hashes as short fingerprints', () => {
    const sealed = {
      alg: 'A256GCM',
      iv: 'aaaa',
      ciphertext: Buffer.from('Erika Mustermann').toString('base64url'),
      tag: 'tttt',
    };
    expect(
      redact({
        personal_data: sealed,
        grant: { pre_authorized_code_hash: 'x'.repeat(43) },
        list: [sealed],
        credential_hashes: ['y'.repeat(43)],
      }),
    ).toEqual({
      personal_data: '<sealed, len=16>',
      grant: { pre_authorized_code_hash: 'sha256:xxxxxxxxxxxx' },
      list: ['<sealed, len=16>'],
      credential_hashes: ['sha256:yyyyyyyyyyyy'],
    });
  });
});
