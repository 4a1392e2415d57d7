// jest globalTeardown: stops what global-setup.ts started (nothing it merely found running).
import type { HallmarkTestInfra } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const infra: HallmarkTestInfra | undefined = globalThis.__HALLMARK_TEST_INFRA__;
  globalThis.__HALLMARK_TEST_INFRA__ = undefined;
  if (!infra) return;
  const kafka = infra.kafka;
  const postgres = infra.postgres;
  infra.kafka = undefined; // the exit hook in setup has nothing left to kill
  await Promise.all([kafka?.stop(), postgres?.stop?.()]);
}
