import { execFileSync, spawnSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { RESULTS_DIR, freshDir, machineLoad, memory, removeDir, sleep, waitForIdleMachine } from './common';
import { ENGINES, openEngine, parseEngine, type EngineName } from './engines';

/**
 * Start-up time and resident memory. Each measurement is a new Node process (as `npm start` is):
 * the first start on an empty data directory (initdb + migrations), then restarts on the existing
 * one. Memory is read after start and 500 ms idle: RSS of Node, and RSS / PSS of its child
 * processes (the postgres server and its backends; PSS splits shared buffers fairly).
 *
 *   node -r @swc-node/register bench/embedded-db/startup.ts [engine ...] [--restarts 5]
 */

const SELF = __filename;

async function child(name: EngineName, dir: string): Promise<void> {
  const bootMs = performance.now(); // since the process started: Node + swc-node register + imports
  const t0 = performance.now();
  const engine = await openEngine(name, dir);
  const openMs = performance.now() - t0;
  // A first query, so the pool holds one connection as a just-started service would.
  await engine.ds.query('SELECT count(*) FROM events');
  await sleep(500);
  const mem = memory();
  const t1 = performance.now();
  await engine.close();
  const closeMs = performance.now() - t1;
  process.stdout.write(
    JSON.stringify({
      fresh: engine.fresh,
      boot_ms: Math.round(bootMs),
      open_ms: Math.round(openMs),
      close_ms: Math.round(closeMs),
      timings: engine.timings,
      memory_idle: mem,
    }) + '\n',
  );
}

async function measure(name: EngineName, dir: string): Promise<Record<string, unknown>> {
  const idle = await waitForIdleMachine(60000);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, ['-r', '@swc-node/register', SELF, '--child', name, dir], {
    encoding: 'utf8',
    timeout: 120000,
  });
  const wallMs = Math.round(performance.now() - t0);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  if (run.status !== 0 || !line.startsWith('{'))
    throw new Error(`${name} child failed (${run.status}): ${run.stderr.slice(-800)}`);
  return { ...JSON.parse(line), process_wall_ms: wallMs, machine_idle_share_before: idle.idle_share };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(parseEngine(args[1]), args[2]);
  const restartsAt = args.indexOf('--restarts');
  const restarts = restartsAt >= 0 ? Number(args[restartsAt + 1]) : 5;
  const names = args.filter((a, i) => !a.startsWith('--') && i !== restartsAt + 1).map((a) => parseEngine(a));
  const engines: EngineName[] = names.length ? names : ENGINES.filter((e) => e !== 'typeorm-pglite');
  const results: Record<string, unknown>[] = [];
  for (const name of engines) {
    const dir = freshDir(`startup-${name}`);
    try {
      const first = await measure(name, dir);
      const du = execFileSync('du', ['-sm', dir]).toString().split('\t')[0];
      const again: Record<string, unknown>[] = [];
      for (let i = 0; i < restarts; i++) again.push(await measure(name, dir));
      const summary = {
        engine: name,
        machine: machineLoad(),
        first_start: first,
        data_dir_mb_after_first_start: Number(du),
        restart_open_ms_median: median(again.map((r) => r.open_ms as number)),
        restart_open_ms_all: again.map((r) => r.open_ms),
        restart_process_wall_ms_median: median(again.map((r) => r.process_wall_ms as number)),
        restart_timings_last: again[again.length - 1].timings,
        memory_idle_after_restart: again[again.length - 1].memory_idle,
      };
      results.push(summary);
      const m = summary.memory_idle_after_restart as ReturnType<typeof memory>;
      process.stdout.write(
        `${name}: first start ${first.open_ms} ms (${JSON.stringify(first.timings)}), data dir ${du} MB; ` +
          `restart ${summary.restart_open_ms_median} ms median of ${restarts} (${summary.restart_open_ms_all.join(', ')}); ` +
          `idle memory: node ${m.node_rss_mb} MB RSS + ${m.children} children ${m.children_rss_mb} MB RSS / ${m.children_pss_mb} MB PSS\n`,
      );
    } finally {
      removeDir(dir);
    }
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, 'startup.json'),
    JSON.stringify({ at: new Date().toISOString(), results }, null, 2) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
