import { Controller, Get, Header } from '@nestjs/common';
import { register } from 'prom-client';

/** Prometheus metrics: outbox backlog and age, consumer lag, dead letters, retries. */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
