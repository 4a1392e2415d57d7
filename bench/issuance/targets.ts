import { spawn, type ChildProcess } from 'child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import {
  EmbeddedHallmark,
  REPO_ROOT,
  createDatabase,
  ensurePostgres,
  freePort,
  startKafkaBroker,
  stopProcess,
  waitForHttp,
} from '@hallmark/testing';
import { commandOf, descendants } from './process-stats';
import type { HttpClient } from './http-client';
import type { FlowOptions, FlowResult, FlowTarget, KeyPool } from './wallet-flow';

/** An issuer under test, started by the bench as its own processes. */
export interface RunningTarget extends FlowTarget {
  name: string;
  /** Named groups of processes whose CPU and memory the bench reports (looked up at every sample). */
  processes(): Record<string, number[]>;
  stop(): Promise<void>;
  /** A flow of its own, when the target does not speak Hallmark's (the peer). */
  runFlow?: (client: HttpClient, keys: KeyPool, options: FlowOptions) => Promise<FlowResult>;
  /** False when the target cannot issue a batch. */
  batch?: boolean;
  /** How its flow differs from Hallmark's. */
  differences?: string[];
}

export const BENCH_LOG_DIR = join(REPO_ROOT, 'tmp', 'bench-logs');

/** The one-process default, as `npm start` runs it (embedded PostgreSQL, in-process transport). */
export async function startEmbedded(nodeArgs: string[] = []): Promise<RunningTarget> {
  const hallmark = await EmbeddedHallmark.start({ logDir: BENCH_LOG_DIR, env: { LOG_LEVEL: 'warn' }, nodeArgs });
  const pid = hallmark.pid!;
  return {
    name: 'embedded',
    baseUrl: hallmark.baseUrl,
    adminToken: hallmark.adminToken,
    readToken: hallmark.adminToken,
    processes: () => ({ 'hallmark (node)': [pid], 'postgres (embedded)': descendants(pid) }),
    stop: () => hallmark.stop(),
  };
}

/**
 * The Kafka stack as `npm run stack` runs it (tools/stack: the four services as processes behind
 * the dev gateway), in its own process so the gateway does not share the load generator's event
 * loop; a broker on free ports and a database of its own on the local Postgres.
 */
export async function startStack(env: Record<string, string> = {}): Promise<RunningTarget> {
  const postgres = await ensurePostgres();
  const databaseUrl = await createDatabase(postgres.url, 'hallmark_stack_bench');
  const broker = await startKafkaBroker({ heapMb: 512 });
  const port = await freePort();
  const stateFile = join(REPO_ROOT, '.hallmark', 'stack.json');
  rmSync(stateFile, { force: true });
  mkdirSync(BENCH_LOG_DIR, { recursive: true });
  const log = createWriteStream(join(BENCH_LOG_DIR, 'stack.log'), { flags: 'a' });
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'tools/stack/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      ...env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: broker.brokers.join(','),
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const stop = async () => {
    await stopProcess(child, 'SIGTERM', 30_000);
    log.end();
    await broker.stop();
  };
  let info: { gateway: string; admin_token: string; auditor_token: string } | undefined;
  try {
    await waitForHttp(`http://127.0.0.1:${port}/health/ready`, child, 120_000);
    // The gateway can answer ready a moment before tools/stack has written its state file.
    const deadline = Date.now() + 30_000;
    while (!info) {
      try {
        info = JSON.parse(readFileSync(stateFile, 'utf8'));
      } catch {
        if (Date.now() > deadline) throw new Error('tools/stack did not write .hallmark/stack.json');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }

  // The shared Postgres serves other databases too: count only the backends of ours.
  const dbName = new URL(databaseUrl).pathname.slice(1);
  let backends: number[] = [];
  const pg = new Client({ connectionString: postgres.url });
  await pg.connect();
  const refresh = async () => {
    const rows = await pg.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      dbName,
    ]);
    backends = rows.rows.map((r: { pid: number }) => r.pid);
  };
  await refresh();
  const timer = setInterval(() => void refresh().catch(() => undefined), 1000);
  const services = () => {
    const byName: Record<string, number[]> = {};
    for (const pid of descendants(child.pid!)) {
      const app = /apps\/([\w-]+)\/src\/main\.ts/.exec(commandOf(pid))?.[1];
      if (app) byName[app] = [pid];
    }
    return byName;
  };
  return {
    name: 'stack',
    baseUrl: info!.gateway,
    adminToken: info!.admin_token,
    readToken: info!.auditor_token,
    processes: () => ({
      ...services(),
      'dev gateway (node)': [child.pid!],
      'kafka broker (java)': [broker.pid],
      'postgres backends of this database': backends,
    }),
    stop: async () => {
      clearInterval(timer);
      await pg.end().catch(() => undefined);
      await stop();
    },
  };
}
