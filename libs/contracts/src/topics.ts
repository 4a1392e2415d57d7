import type { ServiceName } from './envelope';

/** One topic per producing service; the record key is always the session id. */
export const topicOf = (service: ServiceName): string => `hallmark.${service}.events`;

/** Poison records go here with their original key, headers and provenance. */
export const DEAD_LETTER_TOPIC = 'hallmark.dead-letter';

export const EVENT_TOPICS: readonly string[] = [
  topicOf('offer-service'),
  topicOf('authorization-server'),
  topicOf('credential-service'),
];
