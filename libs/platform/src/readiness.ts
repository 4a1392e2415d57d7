import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

export interface CheckOptions {
  /**
   * Once it has passed, a later failure reports `degraded` without making the process unready.
   * For the broker and consumer groups: the outbox keeps every event while Kafka is away, so
   * taking the service out of the load balancer would only turn an outage into a bigger one.
   */
  degradeAfterReady?: boolean;
}

type CheckState = 'ok' | 'failing' | 'degraded';

/** Every part of the process registers what "ready" means for it; /health/ready asks them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, { check: ReadinessCheck; options: CheckOptions; passedOnce: boolean }>();

  register(name: string, check: ReadinessCheck, options: CheckOptions = {}): void {
    this.checks.set(name, { check, options, passedOnce: false });
  }

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, CheckState> }> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, entry]) => {
        const ok = await entry.check().catch(() => false);
        if (ok) entry.passedOnce = true;
        const state: CheckState = ok
          ? 'ok'
          : entry.options.degradeAfterReady && entry.passedOnce
            ? 'degraded'
            : 'failing';
        return [name, state] as const;
      }),
    );
    return { ready: results.every(([, s]) => s !== 'failing'), checks: Object.fromEntries(results) };
  }
}
