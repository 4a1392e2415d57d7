import { readFileSync } from 'fs';
import { join } from 'path';
import { EmbeddedHallmark } from '@hallmark/testing';
import { call, eventually } from './support/http';
import { logDirFor } from './support/targets';

const AGE = 'age_verification_sd_jwt';

/** What only the one-process default has: its own data directory, kept across restarts and crashes. */
describe('embedded process', () => {
  let hallmark: EmbeddedHallmark;

  beforeAll(async () => {
    hallmark = await EmbeddedHallmark.start({ logDir: logDirFor('embedded', 'embedded') });
  }, 120000);
  afterAll(async () => hallmark?.stop());

  const create = () =>
    call('POST', `${hallmark.baseUrl}/admin/sessions`, {
      token: hallmark.adminToken,
      body: { credential_configuration_ids: [AGE], claims: { [AGE]: { age_over_18: true } } },
    });
  const sessionView = (id: string) =>
    call('GET', `${hallmark.baseUrl}/admin/sessions/${id}`, { token: hallmark.adminToken });

  it('keeps sessions, projections, offers and its admin token across a restart', async () => {
    const created = await create();
    expect(created.status).toBe(201);
    expect((await call('GET', created.body.credential_offer_uri)).status).toBe(200);
    const before = await eventually(async () => {
      const r = await sessionView(created.body.session_id);
      return r.body?.event_count === 3 && r.body;
    });
    const listBefore = (
      await call('GET', `${hallmark.baseUrl}/admin/sessions?limit=200`, { token: hallmark.adminToken })
    ).body;
    const token = hallmark.adminToken;
    const certificate = readFileSync(join(hallmark.dataDir, 'keys', 'credential-signing.cert.pem'), 'utf8');
    expect(certificate).toContain('BEGIN CERTIFICATE');

    await hallmark.stopProcess('SIGTERM');
    await hallmark.startProcess();

    expect(hallmark.adminToken).toBe(token);
    // The issuer keys generated on first start are kept, not generated again.
    expect(readFileSync(join(hallmark.dataDir, 'keys', 'credential-signing.cert.pem'), 'utf8')).toBe(certificate);
    expect((await sessionView(created.body.session_id)).body).toEqual(before);
    expect((await call('GET', `${hallmark.baseUrl}/admin/sessions?limit=200`, { token })).body).toEqual(listBefore);
    // The master key survived too: the sealed offer secrets are still readable.
    const again = await call('GET', created.body.credential_offer_uri);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(created.body.credential_offer);
  }, 120000);

  it('loses no answered session when killed in the middle of creating them (SIGKILL)', async () => {
    const answered: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async () => {
      while (!stop) {
        try {
          const r = await create();
          if (r.status === 201) answered.push(r.body.session_id);
        } catch {
          return; // the connection died with the process
        }
      }
    });
    await eventually(async () => answered.length >= 40, 30000, '40 sessions created');
    await hallmark.stopProcess('SIGKILL');
    stop = true;
    await Promise.all(writers);

    await hallmark.startProcess();
    for (const id of answered) {
      const s = await eventually(
        async () => {
          const r = await sessionView(id);
          return r.status === 200 && r.body.event_count === 2 && r.body;
        },
        20000,
        `session ${id} after the crash`,
      );
      expect(s.timeline.map((e: { type: string }) => e.type)).toEqual(['offer_created', 'session_created']);
    }
    const list = (
      await call('GET', `${hallmark.baseUrl}/admin/sessions?limit=200`, { token: hallmark.adminToken })
    ).body.sessions.map((s: { session_id: string }) => s.session_id);
    expect(new Set(list).size).toBe(list.length);
  }, 180000);
});

describe('embedded process data directory', () => {
  it('refuses to share its data directory with a running instance, and leaves that instance alone', async () => {
    const first = await EmbeddedHallmark.start({ logDir: logDirFor('embedded-shared', 'embedded') });
    try {
      await expect(
        EmbeddedHallmark.start({ logDir: logDirFor('embedded-shared-2', 'embedded'), dataDir: first.dataDir }),
      ).rejects.toThrow(/exited/);
      const log = readFileSync(join(logDirFor('embedded-shared-2', 'embedded'), 'hallmark.log'), 'utf8');
      expect(log).toMatch(/in use by another running Hallmark/);
      // The first instance still works.
      const r = await call('POST', `${first.baseUrl}/admin/sessions`, {
        token: first.adminToken,
        body: { credential_configuration_ids: [AGE] },
      });
      expect(r.status).toBe(201);
    } finally {
      await first.stop();
    }
  }, 120000);
});
