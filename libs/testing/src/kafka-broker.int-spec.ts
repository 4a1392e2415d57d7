// Proves that kafkajs 2.2.4 (the last release) works against the Kafka broker version pinned in
// tools/kafka/pom.xml: the exact calls our messaging library relies on, against a real broker
// started by the jest global setup (libs/testing/src/global-setup.ts).
import { createServer, type Server } from 'net';
import { CompressionTypes, Kafka, logLevel, Partitioners, type Consumer, type IHeaders } from 'kafkajs';
import { kafkaVersion, startKafkaBroker } from './kafka-broker';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const run = `${Date.now()}-${process.pid}`;

function kafka(clientId: string, level = logLevel.ERROR): Kafka {
  return new Kafka({ clientId, brokers, logLevel: level });
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

const headerString = (headers: IHeaders | undefined, name: string) => headers?.[name]?.toString();

interface Received {
  key: string;
  seq: number;
  partition: number;
  offset: string;
  headers: IHeaders;
  batchContext?: { producerId: string; producerEpoch: number; firstSequence: number };
}

describe(`kafkajs 2.2.4 against Kafka ${kafkaVersion()}`, () => {
  const topic = `hallmark.compat.${run}`;
  const admin = kafka('compat-admin').admin();
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    expect(brokers.length).toBeGreaterThan(0);
    await admin.connect();
  });

  afterAll(async () => {
    await Promise.all(consumers.map((c) => c.disconnect().catch(() => undefined)));
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('describes the single-node KRaft cluster', async () => {
    const cluster = await admin.describeCluster();
    expect(cluster.brokers).toHaveLength(1);
    expect(`${cluster.brokers[0].host}:${cluster.brokers[0].port}`).toBe(brokers[0]);
    expect(cluster.controller).toBe(cluster.brokers[0].nodeId);
    expect(cluster.clusterId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('creates a topic with 3 partitions explicitly (auto-creation is off)', async () => {
    await expect(
      admin.createTopics({ topics: [{ topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true }),
    ).resolves.toBe(true);
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata.topics[0].partitions.map((p) => p.partitionId).sort()).toEqual([0, 1, 2]);
    expect(await admin.listTopics()).toContain(topic);
  });

  it('round-trips keyed messages with headers: idempotent producer (acks -1) -> consumer group', async () => {
    const keys = ['session-a', 'session-b', 'session-c', 'session-d', 'session-e', 'session-f'];
    const perKey = 5;
    const binary = Buffer.from([0, 1, 2, 254, 255]);
    const traceparent = (key: string, seq: number) =>
      `00-${Buffer.from(`${key}:${seq}`).toString('hex').padEnd(32, '0').slice(0, 32)}-00f067aa0ba902b7-01`;

    const producer = kafka('compat-producer').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    try {
      for (let seq = 0; seq < perKey; seq++) {
        // Keys interleaved within each request; every other request gzip-compressed.
        const result = await producer.send({
          topic,
          acks: -1,
          compression: seq % 2 ? CompressionTypes.GZIP : CompressionTypes.None,
          messages: keys.map((key) => ({
            key,
            value: JSON.stringify({ key, seq }),
            headers: { traceparent: traceparent(key, seq), 'event-type': 'OfferCreated', 'x-binary': binary },
          })),
        });
        expect(result.every((r) => r.errorCode === 0)).toBe(true);
      }
    } finally {
      await producer.disconnect();
    }

    const groupId = `hallmark.compat.group.${run}`;
    const consumer = kafka('compat-consumer').consumer({
      groupId,
      heartbeatInterval: 500,
      sessionTimeout: 10_000,
      maxWaitTimeInMs: 500,
    });
    consumers.push(consumer);
    const received: Received[] = [];
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const { key, seq } = JSON.parse(message.value!.toString()) as { key: string; seq: number };
        expect(message.key?.toString()).toBe(key);
        received.push({
          key,
          seq,
          partition,
          offset: message.offset,
          headers: message.headers ?? {},
          // Not in kafkajs' typings, but decoded from the record batch header.
          batchContext: (message as unknown as { batchContext?: Received['batchContext'] }).batchContext,
        });
      },
    });
    await waitFor('all messages', () => received.length >= keys.length * perKey);

    const group = await admin.describeGroups([groupId]);
    expect(group.groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer' });
    expect(group.groups[0].members).toHaveLength(1);
    await consumer.disconnect(); // commits the consumed offsets

    expect(received).toHaveLength(keys.length * perKey);
    for (const key of keys) {
      const mine = received.filter((r) => r.key === key);
      // In order per key, and one key always on one partition.
      expect(mine.map((r) => r.seq)).toEqual([...Array(perKey).keys()]);
      expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
      for (const r of mine) {
        expect(headerString(r.headers, 'traceparent')).toBe(traceparent(key, r.seq));
        expect(headerString(r.headers, 'event-type')).toBe('OfferCreated');
        expect(Buffer.compare(r.headers['x-binary'] as Buffer, binary)).toBe(0);
      }
    }
    expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);
    // The idempotent producer got a producer id (InitProducerId) and numbered its batches.
    for (const r of received) {
      expect(Number(r.batchContext?.producerId)).toBeGreaterThanOrEqual(0);
      expect(r.batchContext?.producerEpoch).toBeGreaterThanOrEqual(0);
      expect(r.batchContext?.firstSequence).toBeGreaterThanOrEqual(0);
    }

    // The group's committed offsets are the end of each partition.
    const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
    const ends = await admin.fetchTopicOffsets(topic);
    const byPartition = (rows: { partition: number; offset: string }[]) =>
      Object.fromEntries(rows.map((r) => [r.partition, r.offset]));
    expect(byPartition(committed[0].partitions)).toEqual(byPartition(ends));
    expect(ends.reduce((sum, p) => sum + Number(p.offset), 0)).toBe(keys.length * perKey);
  });

  it('rebalances a consumer group between two members', async () => {
    const groupId = `hallmark.compat.rebalance.${run}`;
    const assigned = new Map<string, number[]>();
    const members = ['one', 'two'].map((name) => {
      // Heartbeats go out between fetches: short fetch waits make the rebalance quick.
      const consumer = kafka(`compat-${name}`, logLevel.NOTHING).consumer({
        groupId,
        heartbeatInterval: 300,
        sessionTimeout: 10_000,
        maxWaitTimeInMs: 300,
      });
      consumer.on(consumer.events.GROUP_JOIN, (e) => assigned.set(name, e.payload.memberAssignment[topic] ?? []));
      consumers.push(consumer);
      return consumer;
    });
    for (const consumer of members) {
      await consumer.connect();
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ eachMessage: async () => undefined });
    }
    await waitFor(
      'both members assigned',
      () =>
        assigned.size === 2 &&
        [...assigned.values()].flat().length === 3 &&
        [...assigned.values()].every((p) => p.length > 0),
    );
    expect([...assigned.values()].flat().sort()).toEqual([0, 1, 2]);
    await Promise.all(members.map((c) => c.disconnect()));
  });
});

describe('startKafkaBroker', () => {
  let blocker: Server | undefined;
  afterEach(() => {
    blocker?.close();
  });

  it('fails fast with the broker log when the broker cannot start', async () => {
    blocker = createServer();
    const port = await new Promise<number>((ok) =>
      blocker!.listen(0, '127.0.0.1', () => ok((blocker!.address() as { port: number }).port)),
    );
    const t0 = Date.now();
    // The controller listener binds first, so a taken controller port fails soonest.
    await expect(startKafkaBroker({ controllerPort: port })).rejects.toThrow(/exited during startup[\s\S]*log tail/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });
});
