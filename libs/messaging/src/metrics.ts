import { Counter, Gauge, register } from 'prom-client';

const gauge = (name: string, help: string, labelNames: string[]): Gauge =>
  (register.getSingleMetric(name) as Gauge) ?? new Gauge({ name, help, labelNames });
const counter = (name: string, help: string, labelNames: string[]): Counter =>
  (register.getSingleMetric(name) as Counter) ?? new Counter({ name, help, labelNames });

export const consumerLag = gauge('hallmark_consumer_lag', 'Records not yet consumed, per group and partition', [
  'group',
  'topic',
  'partition',
]);
export const eventsConsumed = counter('hallmark_events_consumed_total', 'Events handled by consumers', [
  'group',
  'event_type',
]);
export const deadLettered = counter('hallmark_events_dead_lettered_total', 'Records sent to the dead-letter topic', [
  'group',
  'topic',
]);
export const handlerRetries = counter(
  'hallmark_consumer_retries_total',
  'Handler attempts that failed and were retried',
  ['group'],
);
