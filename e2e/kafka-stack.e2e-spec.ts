import { execFile } from 'child_process';
import { rmSync } from 'fs';
import { createHash } from 'crypto';
import { SignJWT } from 'jose';
import { join } from 'path';
import { promisify } from 'util';
import { DEAD_LETTER_TOPIC, topicOf, type EventEnvelope } from '@hallmark/contracts';
import {
  HallmarkStack,
  REPO_ROOT,
  createDatabase,
  freePort,
  startKafkaBroker,
  type KafkaBrokerHandle,
} from '@hallmark/testing';
import { call, eventually } from './support/http';
import { kafka, readTopic } from './support/kafka';
import { dpopProof, form, redeemWithDpop, walletKey } from './support/wallet';
import { logDirFor } from './support/targets';

const run = promisify(execFile);
const AGE = 'age_verification_sd_jwt';
const PRE_AUTH = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

/** What only the Kafka deployment has: independent processes, a broker that can fail, topics. */
describe('Kafka stack resilience', () => {
  let stack: HallmarkStack;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createDatabase(process.env.DATABASE_URL!, 'hallmark_e2e_resilience');
    stack = await HallmarkStack.start({
      databaseUrl,
      kafkaBrokers: process.env.KAFKA_BROKERS!.split(','),
      logDir: logDirFor('resilience', 'stack'),
    });
  }, 120000);
  afterAll(async () => stack?.stop());

  const create = () =>
    call('POST', `${stack.baseUrl}/admin/sessions`, {
      token: stack.adminToken,
      body: { credential_configuration_ids: [AGE] },
    });
  const session = (id: string) => call('GET', `${stack.baseUrl}/admin/sessions/${id}`, { token: stack.auditorToken });
  const checksum = async (): Promise<string> => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: databaseUrl });
    await c.connect();
    try {
      const { rows } = await c.query(`SELECT
        (SELECT md5(coalesce(string_agg(row_to_json(t)::text, '|' ORDER BY event_id), '')) FROM hallmark_audit.timeline_entries t) ||
        (SELECT md5(coalesce(string_agg(row_to_json(s)::text, '|' ORDER BY session_id), '')) FROM hallmark_audit.session_summaries s) AS digest`);
      return rows[0].digest;
    } finally {
      await c.end();
    }
  };
  const consumedTotal = async (): Promise<number> => {
    const text = await (await fetch(`${stack.urlOf('audit-projector')}/metrics`)).text();
    return text
      .split('\n')
      .filter((l) => l.startsWith('hallmark_events_consumed_total{'))
      .reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
  };

  it('catches up after the projector was down: 50 sessions, each exactly once', async () => {
    const exit = await stack.stopService('audit-projector');
    // Graceful shutdown: exit 0, and the consumer group was left at once (no session timeout to wait out).
    expect(exit).toEqual({ code: 0, signal: null });
    const admin = kafka().admin();
    await admin.connect();
    const { groups } = await admin.describeGroups([stack.topic('hallmark.audit-projector')]);
    await admin.disconnect();
    expect(groups[0]).toMatchObject({ state: 'Empty', members: [] });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const r = await create();
      expect(r.status).toBe(201);
      ids.push(r.body.session_id);
    }
    await stack.startService('audit-projector');
    for (const id of ids) {
      const s = await eventually(
        async () => {
          const r = await session(id);
          return r.status === 200 && r.body.event_count === 2 && r.body;
        },
        30000,
        `session ${id} projected`,
      );
      expect(s.timeline.map((e: { type: string }) => e.type)).toEqual(['offer_created', 'session_created']);
    }
    // Caught up: the lag it reports per partition is back to zero.
    const metrics = await (await fetch(`${stack.urlOf('audit-projector')}/metrics`)).text();
    const lag = metrics.split('\n').filter((l) => l.startsWith('hallmark_consumer_lag{'));
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.every((l) => l.endsWith(' 0'))).toBe(true);
    const list = await call('GET', `${stack.baseUrl}/admin/sessions?limit=200`, { token: stack.auditorToken });
    const listed = list.body.sessions
      .map((s: { session_id: string }) => s.session_id)
      .filter((id: string) => ids.includes(id));
    expect(listed).toHaveLength(50);
    expect(new Set(listed).size).toBe(50);
  }, 120000);

  it('changes nothing when the same Kafka record is delivered twice', async () => {
    const r = await create();
    await eventually(async () => (await session(r.body.session_id)).body?.event_count === 2);
    const records = await readTopic(stack.topic(topicOf('offer-service')));
    const original = records.find((m) => JSON.parse(m.value!.toString()).session_id === r.body.session_id)!;
    const before = await checksum();
    const consumedBefore = await consumedTotal();
    const producer = kafka().producer();
    await producer.connect();
    await producer.send({
      topic: stack.topic(topicOf('offer-service')),
      messages: [
        { key: original.key, value: original.value, headers: original.headers, partition: original.partition },
      ],
    });
    await producer.disconnect();
    await eventually(async () => (await consumedTotal()) > consumedBefore, 15000, 'redelivered record consumed');
    expect(await checksum()).toBe(before);
    expect((await session(r.body.session_id)).body.event_count).toBe(2);
  });

  it('dead-letters a poison record with its provenance, and the partition keeps flowing', async () => {
    const admin = kafka().admin();
    await admin.connect();
    const partitions = (await admin.fetchTopicOffsets(stack.topic(topicOf('offer-service')))).map((p) => p.partition);
    await admin.disconnect();
    const producer = kafka().producer();
    await producer.connect();
    const marker = `poison-${Date.now()}`;
    // One poison record in front of every partition, so the next session's events queue behind one.
    await producer.send({
      topic: stack.topic(topicOf('offer-service')),
      messages: partitions.map((partition) => ({
        partition,
        key: marker,
        value: '{"not":"an event"}',
        headers: { marker },
      })),
    });
    await producer.disconnect();
    const r = await create();
    await eventually(
      async () => (await session(r.body.session_id)).body?.event_count === 2,
      20000,
      'session behind the poison projected',
    );
    const dead = await eventually(
      async () => {
        const all = await readTopic(stack.topic(DEAD_LETTER_TOPIC));
        const mine = all.filter(
          (m) =>
            m.headers?.marker?.toString() === marker &&
            m.headers?.['dlq.consumer_group']?.toString() === stack.topic('hallmark.audit-projector'),
        );
        return mine.length === partitions.length && mine;
      },
      20000,
      'poison records dead-lettered',
    );
    expect(dead[0].key!.toString()).toBe(marker);
    expect(dead[0].value!.toString()).toBe('{"not":"an event"}');
    expect(dead[0].headers!['dlq.original_topic']!.toString()).toBe(stack.topic(topicOf('offer-service')));
    expect(dead[0].headers!['dlq.reason']!.toString()).toMatch(/not an event envelope/);
    expect(dead.map((m) => Number(m.headers!['dlq.original_partition']!.toString())).sort()).toEqual(
      [...partitions].sort(),
    );
  });

  it('refuses a DPoP proof replayed to another instance of the authorization server', async () => {
    const replica = await stack.startReplica('authorization-server');
    try {
      const key = await walletKey();
      const htu = `${stack.baseUrl}/token`;
      const redeemAt = async (base: string, proof: string) => {
        const r = await create();
        return call('POST', `${base}/token`, {
          raw: form({
            grant_type: PRE_AUTH,
            'pre-authorized_code': r.body.credential_offer.grants[PRE_AUTH]['pre-authorized_code'],
          }),
          headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: proof },
        });
      };
      const first = await redeemAt(stack.baseUrl, await dpopProof(key, { htm: 'POST', htu }));
      expect(first.body.error).toBe('use_dpop_nonce');
      const proof = await dpopProof(key, { htm: 'POST', htu, nonce: first.headers.get('dpop-nonce')! });
      expect((await redeemAt(stack.urlOf('authorization-server'), proof)).status).toBe(200);
      // Same proof, other replica: the nonce is valid there too (stateless), the jti is not.
      const replayed = await redeemAt(replica.url, proof);
      expect(replayed.status).toBe(400);
      expect(replayed.body).toMatchObject({
        error: 'invalid_dpop_proof',
        error_description: expect.stringMatching(/used before/),
      });
    } finally {
      await replica.stop();
    }
  });

  it('answers offer -> token -> credential back to back, 200 times, without waiting for Kafka', async () => {
    const PID = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
    const failures: string[] = [];
    for (let i = 0; i < 200; i++) {
      const created = await call('POST', `${stack.baseUrl}/admin/sessions`, {
        token: stack.adminToken,
        body: { credential_configuration_ids: [PID], claims: { [PID]: { given_name: `G${i}` } } },
      });
      const offer = await call('GET', created.body.credential_offer_uri);
      const code = offer.body.grants[PRE_AUTH]['pre-authorized_code'];
      const key = await walletKey();
      const token = await redeemWithDpop(stack.baseUrl, code, key, call);
      if (token.status !== 200) {
        failures.push(`token ${i}: ${JSON.stringify(token.body)}`);
        continue;
      }
      const c_nonce = (await call('POST', `${stack.baseUrl}/nonce`)).body.c_nonce;
      const proof = await new SignJWT({ aud: stack.baseUrl, nonce: c_nonce })
        .setProtectedHeader({ alg: 'ES256', typ: 'openid4vci-proof+jwt', jwk: key.publicJwk })
        .setIssuedAt()
        .sign(key.privateKey);
      const credential = await call('POST', `${stack.baseUrl}/credential`, {
        body: { credential_configuration_id: PID, proofs: { jwt: [proof] } },
        headers: {
          authorization: `DPoP ${token.body.access_token}`,
          dpop: await dpopProof(key, {
            htm: 'POST',
            htu: `${stack.baseUrl}/credential`,
            ath: createHash('sha256').update(token.body.access_token).digest('base64url'),
          }),
        },
      });
      if (credential.status !== 200) failures.push(`credential ${i}: ${JSON.stringify(credential.body)}`);
    }
    expect(failures).toEqual([]);
  }, 180000);

  it('rebuilds projections identical to the live ones', async () => {
    for (let i = 0; i < 3; i++) await call('GET', (await create()).body.credential_offer_uri);
    await new Promise((r) => setTimeout(r, 500));
    const { stdout } = await run(
      process.execPath,
      ['-r', '@swc-node/register', 'apps/audit-projector/src/rebuild/main.ts'],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
    const result = JSON.parse(stdout.trim().split('\n').pop()!);
    expect(result.replayed_events).toBeGreaterThan(100);
    expect(result.checksum_after).toBe(result.checksum_before);
    expect(result.identical).toBe(true);
  }, 60000);
});

describe('Kafka stack while the broker is down', () => {
  let broker: KafkaBrokerHandle;
  let stack: HallmarkStack;
  let ports: { port: number; controllerPort: number };
  const dir = join(REPO_ROOT, 'tmp', `kafka-outage-${process.pid}`);

  beforeAll(async () => {
    ports = { port: await freePort(), controllerPort: await freePort() };
    broker = await startKafkaBroker({ dir, ...ports });
    const databaseUrl = await createDatabase(process.env.DATABASE_URL!, 'hallmark_e2e_outage');
    stack = await HallmarkStack.start({
      databaseUrl,
      kafkaBrokers: broker.brokers,
      logDir: logDirFor('outage', 'stack'),
    });
  }, 120000);
  afterAll(async () => {
    await stack?.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps answering 201, and delivers every event in order, once, when the broker is back', async () => {
    await broker.stop();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await call('POST', `${stack.baseUrl}/admin/sessions`, {
        token: stack.adminToken,
        body: { credential_configuration_ids: [AGE] },
      });
      expect(r.status).toBe(201);
      ids.push(r.body.session_id);
      // The offer service still serves the offer from its own store.
      expect((await call('GET', r.body.credential_offer_uri)).status).toBe(200);
    }
    const backlog = await (await fetch(`${stack.urlOf('offer-service')}/metrics`)).text();
    expect(backlog).toMatch(/hallmark_outbox_backlog\{service="offer-service"\} [1-9]/);
    broker = await startKafkaBroker({ dir, ...ports, keepData: true });
    for (const id of ids) {
      const s = await eventually(
        async () => {
          const r = await call('GET', `${stack.baseUrl}/admin/sessions/${id}`, { token: stack.auditorToken });
          return r.status === 200 && r.body.event_count === 3 && r.body;
        },
        60000,
        `session ${id} projected after the outage`,
      );
      expect([...s.timeline].reverse().map((e: { type: string }) => e.type)).toEqual([
        'session_created',
        'offer_created',
        'offer_retrieved',
      ]);
    }
    const records = (await readTopic(stack.topic(topicOf('offer-service')), broker.brokers)).map(
      (m) => JSON.parse(m.value!.toString()) as EventEnvelope,
    );
    for (const id of ids) {
      const versions = records.filter((e) => e.session_id === id).map((e) => e.stream_version);
      expect(versions).toEqual([1, 2, 3]);
    }
  }, 180000);
});
