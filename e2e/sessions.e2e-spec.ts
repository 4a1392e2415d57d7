import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { conformanceSchema } from '@hallmark/testing';
import { call, eventually, newTraceparent } from './support/http';
import { TARGETS, startTarget, type Target } from './support/targets';

const offerSchema = conformanceSchema('credential_offer-1_0');
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validateOffer = ajv.compile(offerSchema);

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';

describe.each(TARGETS)('issuance sessions and offers [%s]', (targetName) => {
  let t: Target;
  beforeAll(async () => {
    t = await startTarget(targetName, 'sessions');
  }, 120000);
  afterAll(async () => t?.stop());

  const createSession = (body: unknown, headers: Record<string, string> = {}) =>
    call('POST', `${t.baseUrl}/admin/sessions`, { token: t.adminToken, body, headers });
  const getSession = (id: string) => call('GET', `${t.baseUrl}/admin/sessions/${id}`, { token: t.auditorToken });

  it('records creation and every retrieval on the timeline, with the trace ids of the requests', async () => {
    const create = newTraceparent();
    const created = await createSession(
      { credential_configuration_ids: [PID], tx_code: { length: 6, description: 'sent by SMS' } },
      { traceparent: create.traceparent },
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'offer_created',
      credential_offer_uri: expect.stringMatching(/^http.*\/offers\//),
    });
    expect(created.body.tx_code).toMatch(/^\d{6}$/);
    expect(created.body.offer_url).toBe(
      `openid-credential-offer://?credential_offer_uri=${encodeURIComponent(created.body.credential_offer_uri)}`,
    );
    expect(validateOffer(created.body.credential_offer)).toBe(true);

    const fetches = [newTraceparent(), newTraceparent()];
    for (const f of fetches) {
      const offer = await call('GET', created.body.credential_offer_uri, { headers: { traceparent: f.traceparent } });
      expect(offer.status).toBe(200);
      expect(offer.body).toEqual(created.body.credential_offer);
      expect(validateOffer(offer.body)).toBe(true);
      expect(offer.body.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'].tx_code).toEqual({
        input_mode: 'numeric',
        length: 6,
        description: 'sent by SMS',
      });
    }

    const session = await eventually(
      async () => {
        const r = await call('GET', `${t.baseUrl}/admin/sessions/${created.body.session_id}?collapse=false`, {
          token: t.auditorToken,
        });
        // The summary and the timeline are read one after the other: wait until both saw all four.
        return r.status === 200 && r.body.timeline.length === 4 && r.body.event_count === 4 && r.body;
      },
      15000,
      'four timeline entries',
    );
    // By default the view collapses the repeated fetch into one entry with a count.
    const collapsed = (await getSession(created.body.session_id)).body.timeline;
    expect(collapsed[0]).toMatchObject({ type: 'offer_retrieved', count: 2 });
    expect(collapsed.map((e: { type: string; count?: number }) => `${e.type}x${e.count ?? 1}`).sort()).toEqual([
      'offer_createdx1',
      'offer_retrievedx2',
      'session_createdx1',
    ]);
    expect(
      collapsed[0].first_occurred_at < collapsed[0].occurred_at ||
        collapsed[0].first_occurred_at === collapsed[0].occurred_at,
    ).toBe(true);
    expect(session).toMatchObject({
      status: 'offer_retrieved',
      grant_type: 'pre-authorized_code',
      offer_retrievals: 2,
      event_count: 4,
      last_error: null,
    });
    const oldestFirst = [...session.timeline].reverse();
    expect(oldestFirst.map((e: { type: string }) => e.type)).toEqual([
      'session_created',
      'offer_created',
      'offer_retrieved',
      'offer_retrieved',
    ]);
    expect(oldestFirst.map((e: { seq: number }) => e.seq)).toEqual([1, 2, 3, 4]);
    const traceIds = oldestFirst.map((e: { trace_id: string }) => e.trace_id);
    expect(traceIds.slice(0, 2)).toEqual([create.traceId, create.traceId]);
    expect([...traceIds.slice(2)].sort()).toEqual([fetches[0].traceId, fetches[1].traceId].sort());
    expect(oldestFirst[2]).toMatchObject({
      endpoint: 'GET /offers/{offer_ref}',
      source: 'offer-service',
      level: 'info',
    });
    // Secrets never reach the timeline: no code, no tx_code, no offer reference.
    const dump = JSON.stringify(session);
    const code =
      created.body.credential_offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'][
        'pre-authorized_code'
      ];
    expect(dump).not.toContain(code);
    expect(dump).not.toContain(created.body.tx_code);
    expect(dump).not.toContain(created.body.credential_offer_uri.split('/offers/')[1]);
  });

  it('streams new timeline entries as server-sent events', async () => {
    const created = await createSession({ credential_configuration_ids: [PID] });
    await eventually(async () => (await getSession(created.body.session_id)).status === 200);
    const controller = new AbortController();
    const response = await fetch(`${t.baseUrl}/admin/sessions/${created.body.session_id}/stream`, {
      headers: { authorization: `Bearer ${t.auditorToken}` },
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      const deadline = Date.now() + 15000;
      while (!pattern.test(text) && Date.now() < deadline) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      expect(text).toMatch(pattern);
    };
    await readUntil(/"type":"offer_created"/); // what was already there
    expect(await call('GET', created.body.credential_offer_uri)).toMatchObject({ status: 200 });
    await readUntil(/event: entry\nid: 3\ndata: \{"seq":3,[^\n]*"type":"offer_retrieved"/); // pushed when the projector commits it
    controller.abort();
    const unknown = await call('GET', `${t.baseUrl}/admin/sessions/nope/stream`, { token: t.auditorToken });
    expect(unknown.status).toBe(404);
  });

  it('answers 400 problem+json naming each bad field, and appends nothing', async () => {
    const before = await call('GET', `${t.baseUrl}/admin/sessions?limit=200`, { token: t.adminToken });
    const bad = await createSession({
      credential_configuration_ids: [],
      grant_type: 'implicit',
      tx_code: { length: 99 },
      surprise: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'credential_configuration_ids',
      'grant_type',
      'surprise',
      'tx_code.length',
    ]);

    const contradicting = await createSession({
      credential_configuration_ids: ['no_such_credential'],
      tx_code: { length: 4, value: '12345' },
    });
    expect(contradicting.status).toBe(400);
    expect(contradicting.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'credential_configuration_ids.0',
      'tx_code.value',
    ]);

    const malformed = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      raw: '{"credential_configuration_ids": [',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toContain('application/problem+json');

    await new Promise((r) => setTimeout(r, 300));
    const after = await call('GET', `${t.baseUrl}/admin/sessions?limit=200`, { token: t.adminToken });
    expect(after.body.sessions.length).toBe(before.body.sessions.length);
  });

  it('requires the admin token to change and the auditor or admin token to read', async () => {
    const none = await call('POST', `${t.baseUrl}/admin/sessions`, { body: { credential_configuration_ids: [PID] } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(none.headers.get('x-request-id')).toEqual(expect.any(String)); // traced even when refused before the handler
    expect(
      (
        await call('POST', `${t.baseUrl}/admin/sessions`, {
          token: 'wrong',
          body: { credential_configuration_ids: [PID] },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call('POST', `${t.baseUrl}/admin/sessions`, {
          token: t.auditorToken,
          body: { credential_configuration_ids: [PID] },
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', `${t.baseUrl}/admin/sessions`)).status).toBe(401);
    expect((await call('GET', `${t.baseUrl}/admin/sessions`, { token: t.auditorToken })).status).toBe(200);
    expect((await call('GET', `${t.baseUrl}/admin/sessions`, { token: t.adminToken })).status).toBe(200);
  });

  it('publishes the admin API as OpenAPI 3.1 whose request schema is the one the service enforces', async () => {
    const doc = await call('GET', `${t.baseUrl}/admin/openapi.json`);
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual([
      '/admin/sessions',
      '/admin/sessions/{session_id}',
      '/admin/sessions/{session_id}/stream',
      '/admin/sessions/{session_id}/report',
      '/admin/requests',
    ]);
    const schema = ajv.compile(doc.body.components.schemas.CreateSessionRequest);
    expect(schema({ credential_configuration_ids: [PID] })).toBe(true);
    expect(schema({ credential_configuration_ids: [PID], surprise: 1 })).toBe(false);
  });

  it('answers an unknown offer with an OAuth-style 404', async () => {
    const r = await call('GET', `${t.baseUrl}/offers/not-an-offer`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: 'invalid_request', error_description: 'The credential offer is unknown' });
  });

  it('expires offers: 404 for the wallet, status expired for the auditor', async () => {
    const created = await createSession({ credential_configuration_ids: [PID], expires_in: 1 });
    expect(created.status).toBe(201);
    expect((await call('GET', created.body.credential_offer_uri)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await call('GET', created.body.credential_offer_uri);
    expect(late.status).toBe(404);
    expect(late.body).toEqual({
      error: 'invalid_request',
      error_description: expect.stringMatching(/^The credential offer has expired \(at [\d-]+T[\d:.]+Z\)$/),
    });
    const session = await eventually(async () => {
      const r = await getSession(created.body.session_id);
      return r.body?.event_count === 4 && r.body;
    });
    expect(session.status).toBe('expired');
    expect(session.last_error).toMatchObject({ type: 'offer_retrieval_refused' });
    const expired = await call('GET', `${t.baseUrl}/admin/sessions?status=expired&limit=200`, {
      token: t.auditorToken,
    });
    expect(expired.body.sessions.map((s: { session_id: string }) => s.session_id)).toContain(created.body.session_id);
  });

  it('erases a session: its offer is gone and its timeline says so', async () => {
    const created = await createSession({
      credential_configuration_ids: [PID],
      claims: { [PID]: { given_name: 'Erika' } },
      subject_id: 'user-4711',
    });
    expect(
      (await call('DELETE', `${t.baseUrl}/admin/sessions/${created.body.session_id}`, { token: t.auditorToken }))
        .status,
    ).toBe(403);
    const both = await Promise.all(
      [1, 2].map(() =>
        call('DELETE', `${t.baseUrl}/admin/sessions/${created.body.session_id}`, { token: t.adminToken }),
      ),
    );
    expect(both.map((r) => r.status)).toEqual([204, 204]);
    expect((await call('GET', created.body.credential_offer_uri)).status).toBe(404);
    const session = await eventually(async () => {
      const r = await getSession(created.body.session_id);
      return r.body?.status === 'erased' && r.body;
    });
    expect(session.timeline[0].type).toBe('session_erased');
    expect(session.timeline.filter((e: { type: string }) => e.type === 'session_erased')).toHaveLength(1);
    expect((await call('DELETE', `${t.baseUrl}/admin/sessions/no-such-session`, { token: t.adminToken })).status).toBe(
      404,
    );
  });

  it('lists sessions with filters and cursor pagination', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await createSession({
        credential_configuration_ids: ['age_verification_sd_jwt'],
        grant_type: 'authorization_code',
      });
      expect(r.status).toBe(201);
      expect(r.body.credential_offer.grants.authorization_code.issuer_state).toEqual(expect.any(String));
      ids.push(r.body.session_id);
    }
    const query = `credential_configuration_id=age_verification_sd_jwt&grant_type=authorization_code&limit=2`;
    await eventually(async () => {
      const r = await call('GET', `${t.baseUrl}/admin/sessions?${query.replace('limit=2', 'limit=50')}`, {
        token: t.auditorToken,
      });
      return ids.every((id) => r.body.sessions.some((s: { session_id: string }) => s.session_id === id));
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { sessions: Array<{ session_id: string; grant_type: string }>; next_cursor: string | null } } =
        await call('GET', `${t.baseUrl}/admin/sessions?${query}${cursor ? `&cursor=${cursor}` : ''}`, {
          token: t.auditorToken,
        });
      expect(r.body.sessions.length).toBeLessThanOrEqual(2);
      r.body.sessions.forEach((s) => expect(s.grant_type).toBe('authorization_code'));
      seen.push(...r.body.sessions.map((s) => s.session_id));
      cursor = r.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const badCursor = await call('GET', `${t.baseUrl}/admin/sessions?cursor=nonsense`, { token: t.auditorToken });
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors[0].field).toBe('cursor');
  });
});
