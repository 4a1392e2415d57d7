import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<boolean>;

/** Every part of the process registers what "ready" means for it; /health/ready asks them all. */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(): Promise<{ ready: boolean; checks: Record<string, boolean> }> {
    const results = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await check().catch(() => false)] as const),
    );
    return { ready: results.every(([, ok]) => ok), checks: Object.fromEntries(results) };
  }
}
