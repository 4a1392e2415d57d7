import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ReadinessRegistry } from './readiness';

@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready = its databases answer, and its broker answered and its consumers joined at least once
   * (a later broker outage shows as `degraded`: the outbox absorbs it).
   */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.readiness.evaluate();
    reply
      .status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .send({ status: result.ready ? 'ready' : 'not_ready', checks: result.checks });
  }
}
