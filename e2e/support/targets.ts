import { join } from 'path';
import { EmbeddedHallmark, HallmarkStack, REPO_ROOT, createDatabase } from '@hallmark/testing';

/** A running Hallmark the same tests drive: the one-process default or the Kafka stack. */
export interface Target {
  name: TargetName;
  baseUrl: string;
  adminToken: string;
  /** Read-only token; the embedded default has none unless configured. */
  auditorToken?: string;
  logDir: string;
  databaseUrl?: string;
  /** The stack's prefix of topics and consumer groups on the shared broker. */
  kafkaNamespace?: string;
  stop(): Promise<void>;
}

export type TargetName = 'embedded' | 'stack';

/** HALLMARK_E2E_TARGETS=embedded,stack (default both): one suite, parameterised by target. */
export const TARGETS: TargetName[] = (process.env.HALLMARK_E2E_TARGETS ?? 'embedded,stack')
  .split(',')
  .map((t) => t.trim() as TargetName);

export const logDirFor = (suite: string, target: string): string =>
  join(REPO_ROOT, 'tmp', 'e2e-logs', `${suite}-${target}-${process.pid}`);

export async function startTarget(name: TargetName, suite: string, env: Record<string, string> = {}): Promise<Target> {
  const logDir = logDirFor(suite, name);
  if (name === 'embedded') {
    const auditorToken = `auditor-${process.pid}-${suite}`;
    const embedded = await EmbeddedHallmark.start({ logDir, env: { HALLMARK_AUDITOR_TOKEN: auditorToken, ...env } });
    return {
      name,
      baseUrl: embedded.baseUrl,
      adminToken: embedded.adminToken,
      auditorToken,
      logDir,
      stop: () => embedded.stop(),
    };
  }
  const databaseUrl = await createDatabase(process.env.DATABASE_URL!, `hallmark_e2e_${suite.replace(/\W/g, '_')}`);
  const stack = await HallmarkStack.start({
    databaseUrl,
    kafkaBrokers: process.env.KAFKA_BROKERS!.split(','),
    logDir,
    env,
  });
  return {
    name,
    baseUrl: stack.baseUrl,
    adminToken: stack.adminToken,
    auditorToken: stack.auditorToken,
    logDir,
    databaseUrl,
    kafkaNamespace: stack.kafkaNamespace,
    stop: () => stack.stop(),
  };
}
