// jest globalSetup for the integration suites (jest.int.config.js): a real Kafka broker and a
// fresh Postgres database. The environment variables set here are inherited by the test workers.
import { startKafkaBroker, type KafkaBrokerHandle } from './kafka-broker';
import { rmSync } from 'fs';
import { createDatabase, ensurePostgres, type PostgresHandle } from './postgres';
import { SECRETS_DIR } from './secret-recorder';

export const TEST_DATABASE = 'hallmark_test';

/** What setup started, kept for the teardown (globalSetup and globalTeardown share one process). */
export interface HallmarkTestInfra {
  kafka?: KafkaBrokerHandle;
  postgres?: PostgresHandle;
  /** When the run started (ms): the end-of-run secret scan reads only logs written since. */
  startedAt?: number;
}

declare global {
  var __HALLMARK_TEST_INFRA__: HallmarkTestInfra | undefined;
}

function log(message: string): void {
  process.stderr.write(`[hallmark/testing] ${message}\n`);
}

export default async function globalSetup(): Promise<void> {
  const infra: HallmarkTestInfra = { startedAt: Date.now() };
  // The secret scan at the end of the run looks only for what this run's tests exchanged.
  rmSync(SECRETS_DIR, { recursive: true, force: true });
  globalThis.__HALLMARK_TEST_INFRA__ = infra;
  // Should jest die between setup and teardown, do not leave a broker behind.
  process.once('exit', () => {
    if (infra.kafka) {
      try {
        process.kill(infra.kafka.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });

  const kafkaStarting = process.env.KAFKA_BROKERS
    ? Promise.resolve(undefined)
    : (async () => {
        const t0 = Date.now();
        const broker = await startKafkaBroker();
        infra.kafka = broker;
        process.env.KAFKA_BROKERS = broker.brokers.join(',');
        log(`Kafka ${broker.version} at ${process.env.KAFKA_BROKERS} (pid ${broker.pid}) up in ${Date.now() - t0} ms`);
      })();

  // Postgres in parallel with the (slower) broker start.
  const postgresReady = (async () => {
    const postgres = await ensurePostgres();
    infra.postgres = postgres;
    process.env.DATABASE_URL = await createDatabase(postgres.url, TEST_DATABASE);
    if (postgres.stop) log(`private PostgreSQL cluster at ${postgres.url}`);
  })();

  const results = await Promise.allSettled([kafkaStarting, postgresReady]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await infra.kafka?.stop().catch(() => undefined);
    await infra.postgres?.stop?.().catch(() => undefined);
    globalThis.__HALLMARK_TEST_INFRA__ = undefined;
    throw failed.reason;
  }
  if (!infra.kafka) log(`using Kafka at ${process.env.KAFKA_BROKERS} (KAFKA_BROKERS)`);
}
