import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'events';
import { Client } from 'pg';
import { PLATFORM_CONFIG, type PlatformConfig } from '@hallmark/platform';
import { JsonLogger } from '@hallmark/telemetry';

export const TIMELINE_CHANNEL = 'hallmark_timeline';

/**
 * Tells live viewers that a session's timeline changed. The projector notifies in the transaction
 * that writes the entry (Postgres delivers on commit), and every replica listens, so a viewer
 * connected to any replica hears about entries written by any other.
 */
@Injectable()
export class TimelineNotifications implements OnModuleInit, OnApplicationShutdown {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private client?: Client;
  private closing = false;

  constructor(
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
    private readonly logger: JsonLogger,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', (n) => n.payload && this.emitter.emit(n.payload));
    client.on('error', (err) => {
      this.logger.warn('timeline notifications connection lost, reconnecting', { error: err });
      this.client = undefined;
      if (!this.closing) setTimeout(() => void this.listen().catch(() => undefined), 1000);
    });
    await client.connect();
    await client.query(`LISTEN ${TIMELINE_CHANNEL}`);
    this.client = client;
  }

  /** Calls `listener` whenever the session's timeline changed; returns the unsubscribe. */
  subscribe(sessionId: string, listener: () => void): () => void {
    this.emitter.on(sessionId, listener);
    return () => this.emitter.off(sessionId, listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.client?.end().catch(() => undefined);
  }
}
