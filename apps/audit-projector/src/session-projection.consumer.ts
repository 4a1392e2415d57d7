import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EVENT_TOPICS } from '@hallmark/contracts';
import { EventConsumers, SERVICE_DATA_SOURCE } from '@hallmark/platform';
import { applyEvents } from './session-projection.writer';

/** Consumes every service's topic into the session timeline and summary projections. */
@Injectable()
export class SessionProjectionConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    @Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    // A batch per transaction: the statements per event shrink as the batches grow.
    await this.consumers.subscribeBatches(EVENT_TOPICS, async (batch) => {
      await this.db.transaction((em) =>
        applyEvents(
          em,
          batch.map((d) => d.event),
        ),
      );
    });
  }
}
