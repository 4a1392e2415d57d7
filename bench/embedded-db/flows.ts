import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseArgs } from 'util';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import {
  RESULTS_DIR,
  descendants,
  freshDir,
  machineBusySeconds,
  machineLoad,
  memory,
  percentile,
  removeDir,
  round,
  sleep,
  waitForIdleMachine,
} from './common';
import { openEngine, parseEngine } from './engines';
import { relayBatch, runFlow, type TxKind } from './workload';

/**
 * Flow throughput: N concurrent issuance flows (15 transactions each, see workload.ts) against one
 * engine, with the relay's batch query running beside them, while the event loop's delay and
 * utilisation are measured (the HTTP server shares that loop in the embedded process).
 *
 *   node -r @swc-node/register bench/embedded-db/flows.ts <engine> [--flows 3000] [--concurrency 50]
 *        [--pool 10] [--warmup 200] [--sync-commit on|off] [--relay on|off] [--wait-idle on|off] [--label name]
 */

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    flows: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '50' },
    pool: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '200' },
    'sync-commit': { type: 'string', default: 'on' },
    relay: { type: 'string', default: 'on' },
    label: { type: 'string' },
    'wait-idle': { type: 'string', default: 'on' },
  },
});

const CLK_TCK = 100;
/** CPU seconds (user + system) of processes other than Node: the postgres server and its backends. */
const cpuSeconds = (pids: number[]): number =>
  pids.reduce((sum, pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    } catch {
      return sum;
    }
  }, 0);

async function main(): Promise<void> {
  const name = parseEngine(positionals[0]);
  const flows = Number(values.flows);
  const concurrency = Number(values.concurrency);
  const warmup = Number(values.warmup);
  const poolSize = Number(values.pool);
  const syncCommit = values['sync-commit'] !== 'off';
  const label =
    values.label ??
    `${name}-c${concurrency}${name === 'embedded-postgres' ? `-pool${poolSize}${syncCommit ? '' : '-nosync'}` : ''}`;
  const dir = freshDir(`flows-${name}`);
  const log: string[] = [];
  const engine = await openEngine(name, dir, { poolSize, synchronousCommit: syncCommit, log });
  const { ds } = engine;

  const latencies: Record<TxKind, number[]> = { create_session: [], step: [], projection: [] };
  let recording = false;
  const record = (kind: TxKind, ms: number): void => {
    if (recording) latencies[kind].push(ms);
  };
  const errors: string[] = [];
  const runFlows = async (count: number): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, count) }, async () => {
        while (next < count) {
          next++;
          await runFlow(ds, record).catch((err) => errors.push(String((err as Error).message).slice(0, 200)));
        }
      }),
    );
  };

  // The relay beside the flows: batch read below the snapshot horizon, checkpoint upsert.
  let relayRunning = true;
  let relayed = 0;
  const checkpoint = { tx: '0', pos: '0' };
  const relay = (async () => {
    while (relayRunning) {
      const n = await relayBatch(ds, 'bench:relay', checkpoint).catch((err) => {
        errors.push(`relay: ${(err as Error).message}`);
        return 0;
      });
      relayed += n;
      if (n < 500) await sleep(10);
    }
  })();
  if (values.relay === 'off') relayRunning = false;

  await runFlows(warmup);
  const idleBefore = values['wait-idle'] === 'off' ? undefined : await waitForIdleMachine();
  const load = machineLoad();
  const machineBusy0 = machineBusySeconds();
  // Server processes: those alive now, plus backends the pool opens during the run (CPU from 0).
  const serverPidsNow = (): number[] => (engine.serverPid ? [engine.serverPid, ...descendants(engine.serverPid)] : []);
  const serverCpuAtStart = new Map(serverPidsNow().map((pid) => [pid, cpuSeconds([pid])]));
  const nodeCpu0 = process.cpuUsage();
  const elu0 = performance.eventLoopUtilization();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  // A 10 ms timer standing in for the HTTP server: how late does it fire, and does it fire at all?
  const ticks: number[] = [performance.now()];
  const probe = setInterval(() => ticks.push(performance.now()), 10);
  recording = true;
  const t0 = performance.now();
  await runFlows(flows);
  const seconds = (performance.now() - t0) / 1000;
  recording = false;
  loopDelay.disable();
  clearInterval(probe);
  ticks.push(performance.now());
  const gaps = ticks
    .slice(1)
    .map((t, i) => t - ticks[i])
    .sort((a, b) => a - b);
  const elu = performance.eventLoopUtilization(elu0);
  const nodeCpu = process.cpuUsage(nodeCpu0);
  const serverCpu = serverPidsNow().reduce((sum, pid) => sum + cpuSeconds([pid]) - (serverCpuAtStart.get(pid) ?? 0), 0);
  // CPU that neither Node nor its postgres processes used: someone else's work during the run.
  const foreignCpu = machineBusySeconds() - machineBusy0 - (nodeCpu.user + nodeCpu.system) / 1e6 - serverCpu;
  const mem = memory();

  // Let the relay catch up, then check that every flow left exactly what it should.
  const total = warmup + flows;
  for (let i = 0; i < 500 && relayRunning && relayed < total * 8; i++) await sleep(20);
  relayRunning = false;
  await relay;
  const [counts] =
    await ds.query(`SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM timeline_entries)::int AS timeline,
      (SELECT count(*) FROM session_summaries)::int AS summaries, (SELECT count(*) FROM session_summaries WHERE event_count <> 8)::int AS incomplete,
      (SELECT count(*) FROM offers)::int AS offers`);
  const all = Object.values(latencies)
    .flat()
    .sort((a, b) => a - b);
  const lat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return {
      n: s.length,
      p50_ms: round(percentile(s, 50), 2),
      p99_ms: round(percentile(s, 99), 2),
      max_ms: round(s[s.length - 1] ?? 0, 1),
    };
  };
  const result = {
    engine: name,
    label,
    version: engine.version,
    at: new Date().toISOString(),
    machine: { ...load, idle_before: idleBefore, other_processes_cpu_s_during_run: round(Math.max(0, foreignCpu), 2) },
    settings: {
      flows,
      warmup,
      concurrency,
      pool: name === 'embedded-postgres' ? poolSize : 1,
      synchronous_commit: name === 'embedded-postgres' ? syncCommit : 'n/a (no fsync)',
      relay: values.relay,
    },
    flows_per_s: round(flows / seconds, 1),
    transactions_per_s: round((flows * 15) / seconds, 0),
    seconds: round(seconds, 2),
    latency: {
      all: lat(all),
      create_session: lat(latencies.create_session),
      step: lat(latencies.step),
      projection: lat(latencies.projection),
    },
    event_loop: {
      delay_p50_ms: round(loopDelay.percentile(50) / 1e6, 2),
      delay_p99_ms: round(loopDelay.percentile(99) / 1e6, 2),
      delay_max_ms: round(loopDelay.max / 1e6, 1),
      delay_samples: loopDelay.count,
      utilization: round(elu.utilization, 3),
      timer_10ms_fired: ticks.length - 2,
      timer_10ms_expected: Math.floor(seconds * 100),
      timer_10ms_gap_p99_ms: round(percentile(gaps, 99), 1),
      timer_10ms_gap_max_ms: round(gaps[gaps.length - 1] ?? 0, 1),
    },
    cpu_seconds: { node: round((nodeCpu.user + nodeCpu.system) / 1e6, 2), postgres_processes: round(serverCpu, 2) },
    memory_after_run: mem,
    verification: {
      ...counts,
      expected_events: total * 8,
      relayed,
      errors: errors.length,
      first_errors: errors.slice(0, 3),
    },
  };
  await engine.close();
  removeDir(dir);
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `flows-${label}.json`), JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `${label}: ${result.flows_per_s} flows/s (${result.transactions_per_s} tx/s, ${flows} flows in ${result.seconds} s, others used ${result.machine.other_processes_cpu_s_during_run} cpu-s meanwhile); ` +
      `tx p50 ${result.latency.all.p50_ms} ms p99 ${result.latency.all.p99_ms} ms; loop delay p99 ${result.event_loop.delay_p99_ms} ms max ${result.event_loop.delay_max_ms} ms ` +
      `(${loopDelay.count} samples; 10 ms timer fired ${result.event_loop.timer_10ms_fired}/${result.event_loop.timer_10ms_expected}, longest gap ${result.event_loop.timer_10ms_gap_max_ms} ms), ` +
      `ELU ${result.event_loop.utilization}; cpu node ${result.cpu_seconds.node} s + postgres ${result.cpu_seconds.postgres_processes} s; ` +
      `rss node ${mem.node_rss_mb} MB + children ${mem.children_rss_mb} MB (pss ${mem.children_pss_mb}); ` +
      `check: ${counts.events}/${total * 8} events, ${counts.summaries}/${total} summaries, ${counts.incomplete} incomplete, ${errors.length} errors\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
