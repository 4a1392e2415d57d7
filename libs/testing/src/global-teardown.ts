// jest globalTeardown: stops what global-setup.ts started (nothing it merely found running).
import type { HallmarkTestInfra } from './global-setup';
import { scanForSecrets } from './secret-scan';

export default async function globalTeardown(): Promise<void> {
  const infra: HallmarkTestInfra | undefined = globalThis.__HALLMARK_TEST_INFRA__;
  globalThis.__HALLMARK_TEST_INFRA__ = undefined;
  if (!infra) return;
  // Issue 6: after the whole run, no secret or claim value any test used may be in a table, a topic or a log.
  let leak: Error | undefined;
  try {
    const result = await scanForSecrets({
      databaseUrl: process.env.DATABASE_URL!,
      brokers: process.env.KAFKA_BROKERS!.split(','),
      since: infra.startedAt ?? 0,
    });
    process.stderr.write(
      `[hallmark/testing] secret scan: ${result.secrets} values the tests used, looked for in ${result.scanned.rows} table rows, ${result.scanned.records} Kafka records, ${result.scanned.logs} log files: ${result.findings.length} found\n`,
    );
    if (result.findings.length > 0) {
      const where = [...new Set(result.findings.map((f) => `${f.where} (${f.value})`))].slice(0, 20).join('\n  ');
      leak = new Error(`secret scan: values the tests used appear in\n  ${where}`);
    }
  } catch (err) {
    leak = err as Error;
  }
  const kafka = infra.kafka;
  const postgres = infra.postgres;
  infra.kafka = undefined; // the exit hook in setup has nothing left to kill
  await Promise.all([kafka?.stop(), postgres?.stop?.()]);
  if (leak) {
    process.exitCode = 1;
    throw leak;
  }
}
