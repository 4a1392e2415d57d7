import { streams, type NewEvent } from '@hallmark/contracts';
import type { EventStore } from '@hallmark/event-store';
import { runInRequestScope } from '@hallmark/telemetry';
import { RefusalRecorder } from './refusal-recorder';

const refusal: NewEvent<'token_rejected'> = {
  event_type: 'token_rejected',
  data: {
    grant_type: 'authorization_code',
    error: 'invalid_dpop_proof',
    error_description: 'DPoP proof is missing',
    reason: 'dpop_missing',
    spec_ref: 'RFC 9449 Section 5',
    request: { method: 'POST', path: '/token' },
  },
};

function recordingStore() {
  const appended: Array<{ streamId: string; sessionId: string; expected: unknown; events: unknown[] }> = [];
  const store = {
    append: async (streamId: string, sessionId: string, expected: unknown, events: unknown[]) => {
      appended.push({ streamId, sessionId, expected, events });
      return [];
    },
  } as Pick<EventStore, 'append'> as EventStore;
  return { recorder: new RefusalRecorder(store), appended };
}

describe('RefusalRecorder', () => {
  it('records on the first session a locator finds, at any version', async () => {
    const { recorder, appended } = recordingStore();
    const target = await recorder.record(
      [refusal],
      () => undefined,
      async () => ({ streamId: streams.grant('s1'), sessionId: 's1' }),
      () => ({ streamId: streams.grant('s2'), sessionId: 's2' }),
    );
    expect(target).toEqual({ streamId: 'grant:s1', sessionId: 's1' });
    expect(appended).toEqual([{ streamId: 'grant:s1', sessionId: 's1', expected: 'any', events: [refusal] }]);
  });

  it("records a refusal no session can be found for in the request's unattributed log", async () => {
    const { recorder, appended } = recordingStore();
    const target = await runInRequestScope({ requestId: 'req-1' }, () => recorder.record([refusal], () => undefined));
    expect(target).toBeUndefined();
    expect(appended).toEqual([
      { streamId: 'request:req-1', sessionId: 'unattributed:req-1', expected: 'any', events: [refusal] },
    ]);
  });

  it('takes a locator that fails (a code that does not open) for one that found nothing', async () => {
    const { recorder, appended } = recordingStore();
    await recorder.record(
      [refusal],
      () => {
        throw new Error('not our code');
      },
      () => Promise.reject(new Error('expired')),
      () => ({ streamId: streams.authorizationDenied('s3'), sessionId: 's3' }),
    );
    expect(appended.map((a) => a.streamId)).toEqual(['authorization-denied:s3']);
  });

  it('records exactly once, without locators in the unattributed log', async () => {
    const { recorder, appended } = recordingStore();
    await recorder.record([refusal]);
    expect(appended).toHaveLength(1);
    expect(appended[0].sessionId).toMatch(/^unattributed:/);
  });
});
