import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { topicOf, type RawEventEnvelope } from '@hallmark/contracts';
import { InProcessTransport, PoisonEventError, type DeliveredEvent } from '@hallmark/messaging';
import { JsonLogger } from '@hallmark/telemetry';
import {
  ConsumerContext,
  EventBatchPattern,
  EventConsumerServer,
  connectEventConsumers,
  consumerGroup,
} from './event-consumers';
import { ReadinessRegistry } from './readiness';
import { EVENT_TRANSPORT } from './tokens';

const OFFERS = topicOf('offer-service');

/** Event n of a session: `session_erased` (a catalogue type), or a type no handler declares. */
const event = (n: number, session: string, type = 'session_erased'): RawEventEnvelope => ({
  event_id: `0192f3a0-7c2e-7b1a-9a4e-${String(n).padStart(12, '0')}`,
  event_type: type,
  schema_version: 1,
  stream_id: `session:${session}`,
  stream_version: n,
  session_id: session,
  occurred_at: '2026-10-01T09:00:00.000Z',
  recorded_at: '2026-10-01T09:00:00.001Z',
  source: 'offer-service',
  correlation_id: `req-${n}`,
  causation_id: null,
  traceparent: null,
  tracestate: null,
  data: { reason: `r${n}` },
});

/** What the test controllers saw, by handler. */
const seen = {
  erasures: [] as Array<{ n: number; group: string; topic: string }>,
  batches: [] as Array<{ ns: number[]; groups: string[] }>,
  failuresLeft: 0,
};
const numberOf = (e: RawEventEnvelope): number => e.stream_version;

@Controller()
class ErasuresConsumer {
  @EventPattern('session_erased', consumerGroup('credential-service', 'erasures'))
  async onErased(@Payload() erased: RawEventEnvelope, @Ctx() context: ConsumerContext): Promise<void> {
    if (erased.data.reason === 'poison') throw new PoisonEventError('refused on purpose');
    if (seen.failuresLeft > 0) {
      seen.failuresLeft -= 1;
      throw new Error('database away');
    }
    const [delivery] = context.getDeliveries();
    seen.erasures.push({ n: numberOf(erased), group: delivery.groupId, topic: delivery.topic });
  }
}

@Controller()
class ProjectionConsumer {
  @EventBatchPattern([OFFERS], consumerGroup('audit-projector'))
  async project(@Payload() batch: readonly DeliveredEvent[], @Ctx() context: ConsumerContext): Promise<void> {
    seen.batches.push({
      ns: batch.map((d) => numberOf(d.event)),
      groups: context.getDeliveries().map((d) => d.groupId),
    });
  }
}

async function start(controllers: Array<new (...args: never[]) => unknown>) {
  const transport = new InProcessTransport(new JsonLogger('test', 'error'), 2);
  @Module({
    controllers,
    providers: [{ provide: EVENT_TRANSPORT, useValue: transport }, ReadinessRegistry, EventConsumerServer],
  })
  class TestApp {}
  const app = await NestFactory.create(TestApp, new FastifyAdapter(), { logger: false });
  connectEventConsumers(app);
  return { app, transport, readiness: app.get(ReadinessRegistry) };
}

describe('consumers as a Nest transport strategy', () => {
  let app: INestApplication | undefined;

  beforeEach(() => {
    seen.erasures.length = 0;
    seen.batches.length = 0;
    seen.failuresLeft = 0;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it("subscribes each handler's group through the transport: publish resolves once every group handled", async () => {
    const started = await start([ErasuresConsumer, ProjectionConsumer]);
    app = started.app;
    await app.startAllMicroservices();
    await app.init();
    const events = [event(1, 'a'), event(2, 'b'), event(3, 'a', 'offer_unknown_to_handlers'), event(4, 'a')];
    await started.transport.publish(OFFERS, events);

    // The per-event group gets its type only, each event once, with where it came from.
    expect(seen.erasures.map((e) => e.n).sort()).toEqual([1, 2, 4]);
    expect(new Set(seen.erasures.map((e) => `${e.group} ${e.topic}`))).toEqual(
      new Set([`hallmark.credential-service.erasures ${OFFERS}`]),
    );
    // The batch group gets every record of the topic, a lane's records of one publish in one call, in order.
    const ns = seen.batches.flatMap((b) => b.ns);
    expect([...ns].sort()).toEqual([1, 2, 3, 4]);
    for (const b of seen.batches) expect(b.ns).toEqual([...b.ns].sort());
    expect(ns.filter((n) => [1, 3, 4].includes(n))).toEqual([1, 3, 4]);
    expect(new Set(seen.batches.flatMap((b) => b.groups))).toEqual(new Set(['hallmark.audit-projector']));
  });

  it('subscribes the topics its handlers name and dispatches whatever the cluster calls them (a namespace)', async () => {
    const started = await start([ErasuresConsumer, ProjectionConsumer]);
    app = started.app;
    const subscribe = jest.spyOn(started.transport, 'subscribe');
    await app.startAllMicroservices();
    const options = new Map(subscribe.mock.calls.map(([o]) => [o.groupId, o]));
    expect([...options.values()].map((o) => [o.groupId, o.topics])).toEqual([
      ['hallmark.credential-service.erasures', [OFFERS]],
      ['hallmark.audit-projector', [OFFERS]],
    ]);
    const delivery = { topic: `ns-1.${OFFERS}`, partition: 3, offset: '7', groupId: 'hallmark.audit-projector' };
    const projector = options.get('hallmark.audit-projector')!;
    const erasures = options.get('hallmark.credential-service.erasures')!;
    if (!('batchHandler' in projector) || !('handler' in erasures)) throw new Error('wrong handler kinds');
    await projector.batchHandler([{ event: event(1, 'a'), delivery }]);
    await erasures.handler(event(2, 'a'), { ...delivery, groupId: 'hallmark.credential-service.erasures' });
    expect(seen.batches).toEqual([{ ns: [1], groups: ['hallmark.audit-projector'] }]);
    expect(seen.erasures).toEqual([{ n: 2, group: 'hallmark.credential-service.erasures', topic: `ns-1.${OFFERS}` }]);
  });

  it('dead-letters what a handler refuses as poison and retries any other failure', async () => {
    const started = await start([ErasuresConsumer]);
    app = started.app;
    await app.startAllMicroservices();
    await app.init();
    const poison = { ...event(1, 'a'), data: { reason: 'poison' } };
    seen.failuresLeft = 2;
    await started.transport.publish(OFFERS, [poison, event(2, 'a')]);

    expect(started.transport.deadLetters.map((d) => [d.reason, d.groupId])).toEqual([
      ['refused on purpose', 'hallmark.credential-service.erasures'],
    ]);
    expect(seen.erasures.map((e) => e.n)).toEqual([2]);
    expect(seen.failuresLeft).toBe(0);
  });

  it('gates readiness on the broker and each group only in a process that consumes', async () => {
    const consuming = await start([ErasuresConsumer, ProjectionConsumer]);
    app = consuming.app;
    await app.startAllMicroservices();
    expect(await consuming.readiness.evaluate()).toEqual({
      ready: true,
      checks: {
        broker: 'ok',
        'consumer:hallmark.credential-service.erasures': 'ok',
        'consumer:hallmark.audit-projector': 'ok',
      },
    });
    await app.close();

    const idle = await start([]);
    app = idle.app;
    await app.startAllMicroservices();
    expect(await idle.readiness.evaluate()).toEqual({ ready: true, checks: {} });
  });

  it('leaves its groups when the application closes', async () => {
    const started = await start([ErasuresConsumer]);
    app = started.app;
    await app.startAllMicroservices();
    await app.init();
    await app.close();
    app = undefined;
    await started.transport.publish(OFFERS, [event(1, 'a')]);
    expect(seen.erasures).toEqual([]);
  });

  it('refuses handlers it cannot subscribe', async () => {
    @Controller()
    class Ungrouped {
      @EventPattern('session_erased')
      async handle(): Promise<void> {}
    }
    @Controller()
    class Unknown {
      @EventPattern('nothing_happened', consumerGroup('audit-projector'))
      async handle(): Promise<void> {}
    }
    @Controller()
    class Requests {
      @MessagePattern('session_erased', consumerGroup('audit-projector'))
      async handle(): Promise<void> {}
    }
    @Controller()
    class Mixed {
      @EventPattern('session_erased', consumerGroup('audit-projector'))
      async one(): Promise<void> {}
      @EventBatchPattern([OFFERS], consumerGroup('audit-projector'))
      async many(): Promise<void> {}
    }
    for (const [controller, message] of [
      [Ungrouped, 'name its group with consumerGroup(service, purpose)'],
      [Unknown, 'not an event type of the catalogue'],
      [Requests, 'nothing here answers requests'],
      [Mixed, "a batch handler is its group's only one"],
    ] as const) {
      const started = await start([controller]);
      await expect(started.app.startAllMicroservices()).rejects.toThrow(message);
      await started.app.close();
    }
  });
});
