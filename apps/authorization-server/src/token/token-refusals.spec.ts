import { streams, type NewEvent } from '@hallmark/contracts';
import type { EventStore } from '@hallmark/event-store';
import { Oid4vcError, sealGrantCode } from '@hallmark/oid4vc';
import { deriveGrantKeys, RefusalRecorder, type PlatformConfig } from '@hallmark/platform';
import { SealedHandles } from '../authorization/sealed-handles';
import { PRE_AUTHORIZED_GRANT_TYPE } from './pre-authorized-grant.decider';
import { TokenRefusal, TokenRefusals } from './token-refusals';
import type { TokenRequest } from './token-request';

const grantKeys = deriveGrantKeys(Buffer.alloc(32, 7));
const handles = new SealedHandles({ grantKeys } as PlatformConfig);
const request = { method: 'POST', path: '/token' };
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

/** An event store holding one authorization's stream; what is appended is written down. */
function storeWith(authorizationId: string, sessionId: string) {
  const appended: { streamId: string; sessionId: string; expected: unknown; events: NewEvent[] }[] = [];
  const store = {
    readStream: async (streamId: string) =>
      streamId === streams.authorization(authorizationId) ? [{ session_id: sessionId }] : [],
    append: async (streamId: string, session: string, expected: unknown, events: NewEvent[]) => {
      appended.push({ streamId, sessionId: session, expected, events });
      return [];
    },
  } as unknown as EventStore;
  return { store, appended };
}

const tokenRequest = (body: Record<string, string>): TokenRequest => ({
  body,
  dpop: undefined,
  attestation: { attestation: undefined, pop: undefined },
  request,
  now: new Date(),
});

describe('token refusals no decider recorded', () => {
  const rejection = new Oid4vcError('dpop_missing');

  it('go on the authorization a code names, also when the code has expired, and come back as the one wire refusal', async () => {
    const { store, appended } = storeWith('aid-1', 'session-1');
    const refusals = new TokenRefusals(store, handles, new RefusalRecorder(store));
    const expired = await handles.seal('code', { aid: 'aid-1', exp: inSeconds(-10), n: 'x' });
    const refusal = await refusals.record(tokenRequest({ grant_type: 'authorization_code', code: expired }), rejection);
    expect(refusal).toBeInstanceOf(TokenRefusal);
    expect(refusal.rejection).toBe(rejection);
    expect(appended).toEqual([
      {
        streamId: streams.authorization('aid-1'),
        sessionId: 'session-1',
        expected: 'any',
        events: [
          {
            event_type: 'token_rejected',
            data: { grant_type: 'authorization_code', ...rejection.toDiagnostic(), request },
          },
        ],
      },
    ]);
  });

  it('go on the authorization a refresh token names', async () => {
    const { store, appended } = storeWith('aid-2', 'session-2');
    const token = await handles.seal('refresh', { aid: 'aid-2', gen: 0, id: 'r', exp: inSeconds(60) });
    await new TokenRefusals(store, handles, new RefusalRecorder(store)).record(
      tokenRequest({ grant_type: 'refresh_token', refresh_token: token }),
      rejection,
    );
    expect(appended.map((a) => [a.streamId, a.sessionId])).toEqual([[streams.authorization('aid-2'), 'session-2']]);
  });

  it('go on the grant of a pre-authorized code sent along, whatever the grant type', async () => {
    const { store, appended } = storeWith('none', 'none');
    const code = await sealGrantCode(grantKeys.grantCodes, { sid: 'session-3', exp: inSeconds(60), cfg: ['pid'] });
    const refusals = new TokenRefusals(store, handles, new RefusalRecorder(store));
    await refusals.record(
      tokenRequest({ grant_type: PRE_AUTHORIZED_GRANT_TYPE, 'pre-authorized_code': code }),
      rejection,
    );
    await refusals.record(tokenRequest({ grant_type: 'x'.repeat(300), 'pre-authorized_code': code }), rejection);
    expect(appended.map((a) => [a.streamId, a.sessionId])).toEqual([
      [streams.grant('session-3'), 'session-3'],
      [streams.grant('session-3'), 'session-3'],
    ]);
    expect(appended[1].events[0].data).toMatchObject({ grant_type: 'x'.repeat(200) });
  });

  it('go to the unattributed log when nothing in the request opens, or its authorization is unknown', async () => {
    const { store, appended } = storeWith('aid-4', 'session-4');
    const refusals = new TokenRefusals(store, handles, new RefusalRecorder(store));
    const unknown = await handles.seal('code', { aid: 'other', exp: inSeconds(60), n: 'x' });
    await refusals.record(tokenRequest({ grant_type: 'authorization_code', code: unknown }), rejection);
    await refusals.record(tokenRequest({ grant_type: 'authorization_code', code: 'not-ours' }), rejection);
    await refusals.record(tokenRequest({}), rejection);
    expect(appended).toHaveLength(3);
    for (const a of appended) {
      expect(a.streamId).toMatch(/^request:/);
      expect(a.sessionId).toBe(`unattributed:${a.streamId.slice('request:'.length)}`);
    }
    expect(appended[2].events[0].data).toMatchObject({ grant_type: '' });
  });
});
