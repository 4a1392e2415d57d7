import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { EVENT_TOPICS } from '@hallmark/contracts';
import { EventConsumers, SERVICE_DATA_SOURCE } from '@hallmark/platform';
import { applyEvent } from './session-projection.writer';

/** Consumes every service's topic into the session timeline and summary projections. */
@Injectable()
export class SessionProjectionConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    @Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.consumers.subscribe(EVENT_TOPICS, async (event) => {
      await this.db.transaction((em) => applyEvent(em, event));
    });
  }
}
