import { execFileSync } from 'child_process';
import { mkdirSync, writeFileSync } from 'fs';
import { cpus, totalmem } from 'os';
import { join } from 'path';
import { parseArgs } from 'util';
import { REPO_ROOT } from '@hallmark/testing';
import { renderChart } from './chart';
import { measureCryptoCeiling, type CryptoCeiling } from './crypto-ceiling';
import { HttpClient } from './http-client';
import { closedLoop, openLoop, type LoadResult } from './load';
import { ProcessSampler, loadAverage, type ProcessGroupStats } from './process-stats';
import { startEmbedded, startStack, type RunningTarget } from './targets';
import { FORMATS, KeyPool, runFlow, type BenchFormat, type FlowOptions } from './wallet-flow';

const USAGE = `usage: npm run bench -- [--targets embedded,stack,peer] [--concurrency 32,128] [--seconds 20] [--warmup-seconds 20]
       [--rates 10,25,50,100] [--rate-seconds 15] [--lag-every 10] [--soak-seconds 0] [--soak-rate 100] [--no-batch]
       [--batch-sizes 1,10,60] [--batch-seconds 10]
       [--profile] [--embedded-node-args=--max-old-space-size=192] [--out issuance-flows] [--smoke]

Drives complete pre-authorized flows (admin session, offer by reference, token with DPoP, nonce,
credential) against each target from this process, the issuer running in its own processes.
Results: bench/results/<out>.json and .svg (--smoke: tmp/bench-smoke.json, no chart).
  --batch-sizes    closed-loop runs per credential format (dc+sd-jwt, jwt_vc_json) with that many
                   credentials per request: credentials/s and CPU per credential
  --profile        run the embedded process with --cpu-prof (profiles in tmp/bench-profiles)
  npm run bench:footprint   the embedded process's start time and memory (bench/embedded-footprint.ts)`;

interface RunRecord extends LoadResult {
  name: string;
  status: 'ok' | 'failed';
  loadavg_before: string;
  loadavg_after: string;
  processes: ProcessGroupStats[];
}

interface TargetRecord {
  name: string;
  differences?: string[];
  status: 'ok' | 'failed' | 'not run';
  reason?: string;
  runs: RunRecord[];
}

const args = parseArgs({
  options: {
    targets: { type: 'string', default: 'embedded,stack,peer' },
    /** Wallets in the closed-loop runs; the first also sizes the batch run and the in-flight cap. */
    concurrency: { type: 'string', default: '32,128' },
    seconds: { type: 'string', default: '20' },
    /** Unreported load first: the JVM broker and Node's JIT need tens of seconds to settle. */
    'warmup-seconds': { type: 'string', default: '20' },
    rates: { type: 'string', default: '10,25,50,100' },
    'rate-seconds': { type: 'string', default: '15' },
    'soak-seconds': { type: 'string', default: '0' },
    'soak-rate': { type: 'string', default: '100' },
    'lag-every': { type: 'string', default: '10' },
    'no-batch': { type: 'boolean', default: false },
    /** Batches per format, e.g. 1,10,60 (none by default: they take a minute per target). */
    'batch-sizes': { type: 'string', default: '' },
    'batch-seconds': { type: 'string', default: '10' },
    profile: { type: 'boolean', default: false },
    /** Extra Node options for the embedded process, e.g. `--max-old-space-size=192` to show a soak fits a bounded heap. */
    'embedded-node-args': { type: 'string', default: '' },
    out: { type: 'string', default: 'issuance-flows' },
    smoke: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
}).values;

const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

/** One measured run: the load, the processes' CPU and memory while it ran, the machine's load. */
async function measure(
  name: string,
  target: RunningTarget,
  load: () => Promise<LoadResult>,
  keepSeries = false,
): Promise<RunRecord> {
  const sampler = new ProcessSampler(() => ({ ...target.processes(), 'load generator (node)': [process.pid] }));
  const before = loadAverage();
  sampler.start();
  const result = await load();
  const processes = sampler.stop().map((p) => (keepSeries ? p : { ...p, pss_series_mb: undefined }));
  const record: RunRecord = {
    name,
    status: result.errors ? 'failed' : 'ok',
    ...result,
    loadavg_before: before,
    loadavg_after: loadAverage(),
    processes,
  };
  const lag = record.projection_lag_ms
    ? `, lag p50/p99 ${record.projection_lag_ms.p50}/${record.projection_lag_ms.p99} ms${record.projection_lag_timeouts ? ` (${record.projection_lag_timeouts} not seen within 30 s)` : ''}`
    : '';
  log(
    `${target.name} ${name}: ${record.flows_per_second} flows/s, flow p50/p99 ${record.flow_ms.p50}/${record.flow_ms.p99} ms${lag}, errors ${record.errors} [load ${record.loadavg_after}]`,
  );
  for (const e of record.error_samples) log(`  error: ${e}`);
  return record;
}

async function benchTarget(target: RunningTarget, keys: KeyPool): Promise<RunRecord[]> {
  const levels = args.concurrency.split(',').map(Number);
  const concurrency = levels[0];
  const client = new HttpClient(Math.max(...levels) * 4);
  const run = target.runFlow ?? ((c: HttpClient, k: KeyPool, o: FlowOptions) => runFlow(target, c, k, o));
  const flow = (batch: number, lagEvery: number, format?: BenchFormat) => (i: number) =>
    run(client, keys, { batch, measureLag: i % lagEvery === 0, format });
  const runs: RunRecord[] = [];
  try {
    if (args.smoke) {
      runs.push(
        await measure('smoke: 10 flows at 5/s, projection lag on each', target, () => openLoop(5, 2, flow(1, 1))),
      );
      if (target.batch !== false)
        runs.push(await measure('smoke: 2 batch-of-5 flows', target, () => openLoop(2, 1, flow(5, 1))));
      return runs;
    }
    // Warm-up, not reported: JIT (a short one left the broker compiling through the first
    // measured run, at twice its settled CPU per flow), pools, caches.
    await closedLoop(concurrency, Number(args['warmup-seconds']), flow(1, 1000));
    const lagEvery = Number(args['lag-every']);
    // Saturation at each level: a target whose time goes to waiting needs more wallets to be busy.
    for (const wallets of levels) {
      runs.push(
        await measure(
          `saturation: ${wallets} wallets, ${args.seconds} s, lag on every ${lagEvery}th flow`,
          target,
          () => closedLoop(wallets, Number(args.seconds), flow(1, lagEvery)),
        ),
      );
    }
    for (const rate of args.rates.split(',').filter(Boolean).map(Number)) {
      // Beyond 8 flows per wallet slot in flight the issuer is not keeping up: flows not started are errors.
      runs.push(
        await measure(`offered ${rate} flows/s for ${args['rate-seconds']} s, lag on each flow`, target, () =>
          openLoop(rate, Number(args['rate-seconds']), flow(1, 1), concurrency * 8),
        ),
      );
    }
    if (!args['no-batch'] && target.batch !== false) {
      runs.push(
        await measure(`batch of 5: ${concurrency} wallets, 10 s`, target, () =>
          closedLoop(concurrency, 10, flow(5, 10)),
        ),
      );
    }
    const batchSizes = args['batch-sizes'].split(',').filter(Boolean).map(Number);
    if (batchSizes.length && target.batch !== false) {
      for (const format of Object.keys(FORMATS) as BenchFormat[])
        for (const size of batchSizes)
          runs.push(
            await measure(
              `${format} batch of ${size}: ${concurrency} wallets, ${args['batch-seconds']} s`,
              target,
              () => closedLoop(concurrency, Number(args['batch-seconds']), flow(size, 10, format)),
            ),
          );
    }
    const soak = Number(args['soak-seconds']);
    const soakRate = Number(args['soak-rate']);
    if (soak > 0)
      runs.push(
        await measure(
          `soak: ${soakRate} flows/s for ${soak} s, lag on every 10th flow`,
          target,
          () => openLoop(soakRate, soak, flow(1, 10), concurrency * 8),
          true,
        ),
      );
    return runs;
  } finally {
    client.close();
  }
}

async function startTarget(name: string): Promise<RunningTarget> {
  if (name === 'embedded') {
    const profileDir = join(REPO_ROOT, 'tmp', 'bench-profiles');
    const extra = args['embedded-node-args'].split(' ').filter(Boolean);
    return startEmbedded([...extra, ...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])]);
  }
  if (name === 'stack') return startStack();
  if (name === 'peer') return (await import('./peer-target')).startPeer();
  throw new Error(`unknown target ${name}`);
}

async function main(): Promise<void> {
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverage();
  const crypto: CryptoCeiling = await measureCryptoCeiling(1, args.smoke ? 0.3 : 2);
  log(
    `crypto ceiling: ${crypto.signs_per_second} ES256 signs/s, ${crypto.verifies_per_second} verifies/s per thread; at most ${crypto.issuer_max_flows_per_second} flows/s (issuer crypto only), ${crypto.machine_max_flows_per_second} with the wallets' signatures`,
  );
  // More keys than the issuer remembers imported keys for (4,096, libs/oid4vc/src/recent-keys.ts):
  // a key comes round again only after it was forgotten, so each flow's keys are new to the issuer,
  // as a wallet's fresh keys are.
  const keys = await KeyPool.create(Math.max(10_000, Math.max(...args.concurrency.split(',').map(Number)) * 4));
  const targets: TargetRecord[] = [];
  for (const name of args.targets.split(',').map((t) => t.trim())) {
    let target: RunningTarget | undefined;
    try {
      log(`starting ${name}`);
      target = await startTarget(name);
      const runs = await benchTarget(target, keys);
      targets.push({
        name,
        status: runs.every((r) => r.status === 'ok') ? 'ok' : 'failed',
        ...(target.differences ? { differences: target.differences } : {}),
        runs,
      });
    } catch (err) {
      log(`${name}: ${(err as Error).stack}`);
      targets.push({ name, status: name === 'peer' ? 'not run' : 'failed', reason: (err as Error).message, runs: [] });
    } finally {
      await target?.stop().catch((err) => log(`stopping ${name}: ${(err as Error).message}`));
    }
  }

  /**
   * What the CPU the run measured would allow on this machine if nothing else ran on it: all
   * cores busy with this target and the load generator, no single-threaded process above one
   * core. Less noisy than flows/s when the machine is shared, but it ignores waits and contention.
   */
  const cpuBound = (r: RunRecord) => {
    const perFlow = (p: ProcessGroupStats) => (1000 * p.cpu_seconds) / Math.max(1, r.flows_completed);
    const issuer = r.processes.filter((p) => !p.name.startsWith('load generator'));
    const total = r.processes.reduce((sum, p) => sum + perFlow(p), 0);
    const busiestNode = Math.max(...issuer.filter((p) => p.pids.length === 1 && !/java/.test(p.name)).map(perFlow));
    return {
      issuer_cpu_ms_per_flow: +issuer.reduce((sum, p) => sum + perFlow(p), 0).toFixed(1),
      load_generator_cpu_ms_per_flow: +(total - issuer.reduce((sum, p) => sum + perFlow(p), 0)).toFixed(1),
      cpu_bound_flows_per_second_if_alone: Math.round(Math.min((cpus().length * 1000) / total, 1000 / busiestNode)),
    };
  };
  /** The best closed-loop run of one credential per flow: the target's throughput at saturation. */
  const saturation = (t: TargetRecord) =>
    t.runs
      .filter((r) => r.name.startsWith('saturation') || r.name.startsWith('smoke: 10'))
      .sort((a, b) => b.flows_per_second - a.flows_per_second)[0];
  const result = {
    benchmark: 'issuance-flows',
    started_at: startedAt,
    finished_at: new Date().toISOString(),
    commit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT }).toString().trim(),
    machine: {
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      memory_gb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadavg_at_start: loadAtStart,
    },
    note: 'Load generator, issuer, broker and Postgres share this machine (and other users may be running too: see the load averages). Figures are noisy.',
    options: args,
    crypto_ceiling: crypto,
    targets,
    summary: Object.fromEntries(
      targets.map((t) => {
        const s = saturation(t);
        const rates = t.runs
          .filter((r) => r.mode === 'open')
          .map((r) => ({
            offered: r.offered_per_second,
            completed_per_second: r.flows_per_second,
            status: r.status,
            errors: r.errors,
            lag_p50_ms: r.projection_lag_ms?.p50,
            lag_p99_ms: r.projection_lag_ms?.p99,
          }));
        return [
          t.name,
          s
            ? {
                status: t.status,
                saturation_run: s.name,
                flows_per_second: s.flows_per_second,
                ...cpuBound(s),
                fixed_rates: rates,
                fraction_of_issuer_crypto_ceiling: +(s.flows_per_second / crypto.issuer_max_flows_per_second).toFixed(
                  3,
                ),
                fraction_of_machine_crypto_ceiling: +(s.flows_per_second / crypto.machine_max_flows_per_second).toFixed(
                  3,
                ),
              }
            : { status: t.status, reason: t.reason },
        ];
      }),
    ),
  };
  const dir = args.smoke ? join(REPO_ROOT, 'tmp') : join(REPO_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, args.smoke ? 'bench-smoke' : args.out);
  writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + '\n');
  if (!args.smoke) {
    writeFileSync(
      `${base}.svg`,
      renderChart({
        title: 'Hallmark: complete OID4VCI pre-authorized issuance flows',
        subtitle: `${startedAt.slice(0, 16)}Z, ${cpus().length} cores shared by issuer, load generator, broker and Postgres; load average at start ${loadAtStart.split(' ').slice(0, 3).join(' ')}`,
        throughput: targets.flatMap((t) =>
          t.runs
            .filter((r) => !r.name.startsWith('soak'))
            .map((r) => ({
              label: `${t.name}: ${r.mode === 'closed' ? `${r.name.includes('batch of') ? `${r.name.split(':')[0]}, ` : ''}${r.concurrency} wallets` : `offered ${r.offered_per_second}/s`}`,
              value: r.flows_per_second,
              failed: r.status === 'failed',
            })),
        ),
        references: [
          { label: 'crypto ceiling (issuer)', value: crypto.issuer_max_flows_per_second },
          { label: 'target embedded', value: 500 },
          { label: 'target stack', value: 250 },
        ],
        latency: targets.flatMap((t) => {
          const s = saturation(t);
          return s ? [{ target: t.name, endpoints: s.endpoints }] : [];
        }),
      }),
    );
  }
  log(`results in ${base}.json${args.smoke ? '' : ' and .svg'}`);
  const failed = targets.filter((t) => t.status === 'failed');
  if (failed.length) {
    log(`FAILED: ${failed.map((t) => `${t.name}${t.reason ? ` (${t.reason})` : ''}`).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  log(`failed: ${(err as Error).stack}`);
  process.exit(1);
});
