import type { TimelineEntry } from '../session-timeline/timeline-entry';
import { SUMMARY_DATA_FIELDS, summarize } from './session-summary';

const entry = (type: string, at: string, over: Partial<TimelineEntry> = {}): TimelineEntry => ({
  event_id: `${at}-${type}`,
  session_id: 's1',
  occurred_at: `2026-11-28T10:00:0${at}.000Z`,
  type,
  level: 'info',
  source: 'offer-service',
  endpoint: null,
  message: type,
  data:
    type === 'session_created'
      ? {
          grant_type: 'pre-authorized_code',
          credential_configuration_ids: ['pid'],
          expires_at: '2026-11-28T11:00:00.000Z',
        }
      : {},
  trace_id: null,
  request_id: 'r',
  ...over,
});

const permutations = <T>(xs: T[]): T[][] =>
  xs.length <= 1
    ? [xs]
    : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));

describe('session summary', () => {
  const events = [
    entry('session_created', '1'),
    entry('offer_created', '2'),
    entry('offer_retrieved', '3'),
    entry('offer_retrieved', '4'),
    entry('token_issued', '5', { source: 'authorization-server' }),
  ];

  it('is the same whatever order the events arrived in (they come from different topics)', () => {
    const expected = summarize('s1', events);
    expect(expected).toMatchObject({
      status: 'token_issued',
      offer_retrievals: 2,
      event_count: 5,
      grant_type: 'pre-authorized_code',
      created_at: '2026-11-28T10:00:01.000Z',
      updated_at: '2026-11-28T10:00:05.000Z',
    });
    for (const order of permutations(events)) expect(summarize('s1', order)).toEqual(expected);
  });

  it("reads no member of an entry's data beyond those the projector fetches for it", () => {
    const read = new Set<string | symbol>();
    const watched = [
      ...events,
      entry('token_rejected', '6', {
        level: 'warn',
        data: { reason: 'dpop_nonce_missing', request: { method: 'POST' } },
      }),
    ].map((e) => ({
      ...e,
      data: new Proxy(e.data, { get: (target, key) => (read.add(key), Reflect.get(target, key)) }),
    }));
    summarize('s1', watched);
    expect([...read].every((k) => (SUMMARY_DATA_FIELDS as readonly (string | symbol)[]).includes(k))).toBe(true);
    expect(read.size).toBeGreaterThan(0);
  });

  it('shows a failure with its last error, and a later success clears nothing but moves status on', () => {
    const failed = summarize('s1', [
      ...events.slice(0, 3),
      entry('token_rejected', '4', { level: 'error', message: 'wrong tx_code' }),
    ]);
    expect(failed.status).toBe('failed');
    expect(failed.last_error).toEqual({
      type: 'token_rejected',
      message: 'wrong tx_code',
      occurred_at: '2026-11-28T10:00:04.000Z',
    });
    const recovered = summarize('s1', [
      ...events.slice(0, 3),
      entry('token_rejected', '4', { level: 'error' }),
      entry('token_issued', '5'),
    ]);
    expect(recovered.status).toBe('token_issued');
    expect(recovered.last_error?.type).toBe('token_rejected');
  });

  it('names the catalogue reason of the last refusal, for the list view', () => {
    const refused = summarize('s1', [
      ...events,
      entry('credential_request_rejected', '6', {
        level: 'warn',
        message: 'refused',
        data: { reason: 'proof_aud_mismatch', error: 'invalid_proof' },
      }),
    ]);
    expect(refused.status).toBe('token_issued');
    expect(refused.last_error).toEqual({
      type: 'credential_request_rejected',
      message: 'refused',
      occurred_at: '2026-11-28T10:00:06.000Z',
      reason: 'proof_aud_mismatch',
    });
  });

  it('says erased once the session was erased', () => {
    expect(summarize('s1', [...events, entry('session_erased', '6')]).status).toBe('erased');
  });
});
