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

  /** Ready = its databases and broker answer and its consumers have joined their groups. */
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const result = await this.readiness.evaluate();
    reply.status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).send({ status: result.ready ? 'ready' : 'not_ready', checks: result.checks });
  }
}
