import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type { DataSource } from 'typeorm';
import { EVENT_TOPICS } from '@hallmark/contracts';
import type { DeliveredEvent } from '@hallmark/messaging';
import { EventBatchPattern, SERVICE_DATA_SOURCE, consumerGroup } from '@hallmark/platform';
import { applyEvents } from './session-projection.writer';

/** Consumes every service's topic into the session timeline and summary projections. */
@Controller()
export class SessionProjectionConsumer {
  constructor(@Inject(SERVICE_DATA_SOURCE) private readonly db: DataSource) {}

  /** A batch per transaction: the statements per event shrink as the batches grow. */
  @EventBatchPattern(EVENT_TOPICS, consumerGroup('audit-projector'))
  async project(@Payload() batch: readonly DeliveredEvent[]): Promise<void> {
    await this.db.transaction((em) =>
      applyEvents(
        em,
        batch.map((d) => d.event),
      ),
    );
  }
}
