import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import {
  HallmarkStack,
  REPO_ROOT,
  createDatabase,
  ensurePostgres,
  isPortFree,
  startKafkaBroker,
  type KafkaBrokerHandle,
} from '@hallmark/testing';

/**
 * `npm run stack`: the Kafka deployment on this machine. A broker (unless KAFKA_BROKERS is set),
 * Postgres (DATABASE_URL, the local server, or a private cluster), the four services as separate
 * processes and the dev gateway on PORT (default 8080). Ctrl-C stops everything it started.
 */
async function main(): Promise<void> {
  const stateDir = join(REPO_ROOT, '.hallmark');
  mkdirSync(stateDir, { recursive: true });
  let broker: KafkaBrokerHandle | undefined;
  const postgres = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : await ensurePostgres();
  const databaseUrl = process.env.DATABASE_URL ?? (await createDatabase(postgres.url, 'hallmark_stack'));
  if (!process.env.KAFKA_BROKERS) {
    broker = await startKafkaBroker({
      dir: join(stateDir, 'kafka'),
      port: (await isPortFree(9092)) ? 9092 : undefined,
    });
  }
  const kafkaBrokers = process.env.KAFKA_BROKERS?.split(',') ?? broker!.brokers;
  const port = Number(process.env.PORT ?? 8080);
  const stack = await HallmarkStack.start({
    databaseUrl,
    kafkaBrokers,
    logDir: join(stateDir, 'stack-logs'),
    gatewayPort: (await isPortFree(port)) ? port : 0,
  });
  const info: Record<string, unknown> = {
    ...stack.describe(),
    database_url: databaseUrl.replace(/\/\/[^@]*@/, '//***@'),
    logs: join(stateDir, 'stack-logs'),
  };
  writeFileSync(join(stateDir, 'stack.json'), JSON.stringify(info, null, 2) + '\n', { mode: 0o600 });
  process.stdout.write(
    [
      'Hallmark stack is ready:',
      `  Gateway (public URL): ${stack.baseUrl}`,
      ...Object.entries(info.services as Record<string, string>).map(([n, u]) => `  ${n.padEnd(21)} ${u}`),
      `  Kafka:                ${kafkaBrokers.join(',')}`,
      `  Admin token:          ${stack.adminToken}`,
      `  Auditor token:        ${stack.auditorToken}`,
      `  Written to ${join(stateDir, 'stack.json')}; logs in ${info.logs}`,
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    await broker?.stop();
    await ('stop' in postgres ? postgres.stop?.() : undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`stack failed: ${(err as Error).message}\n`);
  process.exit(1);
});
