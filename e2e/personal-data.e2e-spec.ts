import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { DEAD_LETTER_TOPIC, EVENT_TOPICS } from '@hallmark/contracts';
import { call, eventually } from './support/http';
import { readTopic } from './support/kafka';
import { TARGETS, startTarget, type Target } from './support/targets';

const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';

/** Claim values, the subject id and the grant secrets must not be readable anywhere but in the offer itself. */
describe.each(TARGETS)('personal data and secrets [%s]', (targetName) => {
  let t: Target;
  const family = `Mustermann-${Date.now()}`;
  const given = `Erika-${process.pid}`;
  const subject = `subject-${Date.now()}-x`;
  let secrets: string[] = [];
  let sessionId: string;

  beforeAll(async () => {
    t = await startTarget(targetName, 'personal-data');
    const created = await call('POST', `${t.baseUrl}/admin/sessions`, {
      token: t.adminToken,
      body: { credential_configuration_ids: [PID], subject_id: subject, tx_code: { length: 8, value: '90817263' }, claims: { [PID]: { family_name: family, given_name: given, birthdate: '1964-08-12' } } },
    });
    expect(created.status).toBe(201);
    sessionId = created.body.session_id;
    const grant = created.body.credential_offer.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'];
    // The admin token is left out: the embedded default prints the one it generates, once, by design.
    secrets = [family, given, subject, '90817263', grant['pre-authorized_code'], created.body.credential_offer_uri.split('/offers/')[1]];
    await call('GET', created.body.credential_offer_uri, { headers: { 'user-agent': 'scan-test' } });
    await eventually(async () => (await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken })).body?.event_count === 3);
  }, 120000);
  afterAll(async () => t?.stop());

  const expectNone = (where: string, text: string) => {
    for (const s of secrets) if (text.includes(s)) throw new Error(`${where} contains a secret or claim value (${s.slice(0, 4)}...)`);
  };

  it('shows claim names, never values, on the timeline', async () => {
    const r = await call('GET', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken });
    const created = r.body.timeline.find((e: { type: string }) => e.type === 'session_created');
    expect(created.data.claim_names).toEqual({ [PID]: ['family_name', 'given_name', 'birthdate'] });
    expectNone('the session view', JSON.stringify(r.body));
    expectNone('the session list', JSON.stringify((await call('GET', `${t.baseUrl}/admin/sessions`, { token: t.adminToken })).body));
  });

  it('writes none of them to the logs', async () => {
    for (const f of readdirSync(t.logDir)) expectNone(`log ${f}`, readFileSync(join(t.logDir, f), 'utf8'));
  });

  if (targetName === 'stack') {
    it('publishes none of them to Kafka and stores none in the projections or read models', async () => {
      const stackTopics = [...EVENT_TOPICS, DEAD_LETTER_TOPIC];
      const c = new Client({ connectionString: t.databaseUrl });
      await c.connect();
      try {
        // Topic names of this stack carry its namespace: find them by suffix.
        const { Kafka, logLevel } = await import('kafkajs');
        const admin = new Kafka({ clientId: 'scan', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        const names = (await admin.listTopics()).filter((n) => stackTopics.some((s) => n.endsWith(`.${s}`)));
        await admin.disconnect();
        let records = 0;
        for (const topic of names) {
          for (const m of await readTopic(topic)) {
            records += 1;
            expectNone(`Kafka ${topic}`, `${m.key?.toString()} ${m.value?.toString()} ${JSON.stringify(Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, v?.toString()])))}`);
          }
        }
        expect(records).toBeGreaterThanOrEqual(3);
        for (const [schema, table] of [
          ['hallmark_audit', 'timeline_entries'],
          ['hallmark_audit', 'session_summaries'],
          ['hallmark_authorization', 'offer_grants'],
          ['hallmark_credential', 'issuance_sessions'],
          ['hallmark_offer', 'events'],
          ['hallmark_offer', 'offers'],
        ]) {
          const { rows } = await c.query(`SELECT row_to_json(x)::text AS row FROM ${schema}.${table} x`);
          expectNone(`${schema}.${table}`, rows.map((r) => r.row).join('\n'));
        }
        // The authorization server and the credential service keep their own read models of the offer.
        const grants = await eventually(async () => (await c.query('SELECT grant_type, pre_authorized_code_hash, tx_code, erased FROM hallmark_authorization.offer_grants WHERE session_id = $1', [sessionId])).rows[0]);
        expect(grants).toMatchObject({ grant_type: 'pre-authorized_code', pre_authorized_code_hash: expect.stringMatching(/^[\w-]{43}$/), tx_code: { input_mode: 'numeric', length: 8 }, erased: false });
        const issuance = await eventually(async () => (await c.query('SELECT credential_configuration_ids, erased FROM hallmark_credential.issuance_sessions WHERE session_id = $1', [sessionId])).rows[0]);
        expect(issuance).toEqual({ credential_configuration_ids: [PID], erased: false });
        // Crypto-shredding: erasing the session destroys its data key.
        expect((await c.query('SELECT 1 FROM hallmark_offer.session_data_keys WHERE session_id = $1', [sessionId])).rowCount).toBe(1);
        expect((await call('DELETE', `${t.baseUrl}/admin/sessions/${sessionId}`, { token: t.adminToken })).status).toBe(204);
        expect((await c.query('SELECT 1 FROM hallmark_offer.session_data_keys WHERE session_id = $1', [sessionId])).rowCount).toBe(0);
        await eventually(async () => (await c.query('SELECT erased FROM hallmark_authorization.offer_grants WHERE session_id = $1', [sessionId])).rows[0]?.erased === true, 15000, 'grant marked erased');
        await eventually(async () => (await c.query('SELECT erased FROM hallmark_credential.issuance_sessions WHERE session_id = $1', [sessionId])).rows[0]?.erased === true, 15000, 'session marked erased');
      } finally {
        await c.end();
      }
    });
  }
});
