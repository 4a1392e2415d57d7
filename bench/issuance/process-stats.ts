import { readFileSync, readdirSync } from 'fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The fields of /proc/<pid>/stat after the command name (field 3 onwards), or undefined once it is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system) a live process has used. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields && (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime (fields 14 and 15)
}

/** A `<field>: <n> kB` line of /proc/<pid>/<file>, in MiB; undefined once the process is gone. */
function procMb(pid: number, file: string, field: string): number | undefined {
  try {
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/${file}`, 'utf8'))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Resident set size now, in MiB. */
export const rssMb = (pid: number): number | undefined => procMb(pid, 'status', 'VmRSS');

/**
 * Proportional set size in MiB (/proc/<pid>/smaps_rollup): shared pages, such as PostgreSQL's
 * shared buffers, split between the processes that map them, so a group's sum is honest.
 */
export const pssMb = (pid: number): number | undefined => procMb(pid, 'smaps_rollup', 'Pss');

const parentOf = (pid: number): number | undefined => {
  const fields = statFields(pid);
  return fields && Number(fields[1]);
};

/** Every live process below `root`. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const all: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (all.push(c), walk(c)));
  walk(root);
  return all;
}

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '';
  }
}

export interface ProcessGroupStats {
  name: string;
  pids: number[];
  cpu_seconds: number;
  /** The group's largest summed resident memory, as PSS (see pssMb), in MiB. */
  peak_pss_mb: number;
  end_pss_mb: number;
  /** The largest RSS of any one process of the group, in MiB. */
  peak_process_rss_mb: number;
  /** PSS at each sample (MiB), to see growth over a soak. */
  pss_series_mb?: number[];
}

/**
 * CPU and memory of named groups of processes over one run: CPU as the difference of /proc
 * counters between start and stop (processes that exit meanwhile are lost, which the issuer's do
 * not), peak RSS as the largest sum of the group's RSS over samples every `everyMs`. A group's
 * pids are looked up again at every sample (connection pools open backends lazily).
 */
export class ProcessSampler {
  private readonly startCpu = new Map<number, number>();
  private readonly lastCpu = new Map<number, number>();
  private readonly peaks = new Map<string, number>();
  private readonly processPeaks = new Map<string, number>();
  private readonly series = new Map<string, number[]>();
  private readonly seen = new Map<string, Set<number>>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly groups: () => Record<string, number[]>,
    private readonly everyMs = 500,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const [name, pids] of Object.entries(this.groups())) {
      const seen = this.seen.get(name) ?? new Set<number>();
      this.seen.set(name, seen);
      let pss = 0;
      for (const pid of pids) {
        const cpu = cpuSeconds(pid);
        if (cpu === undefined) continue;
        seen.add(pid);
        if (!this.startCpu.has(pid)) this.startCpu.set(pid, cpu);
        this.lastCpu.set(pid, cpu);
        pss += pssMb(pid) ?? 0;
        this.processPeaks.set(name, Math.max(this.processPeaks.get(name) ?? 0, rssMb(pid) ?? 0));
      }
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, pss));
      const series = this.series.get(name) ?? [];
      if (!series.length) this.series.set(name, series);
      series.push(+pss.toFixed(1));
    }
  }

  stop(): ProcessGroupStats[] {
    this.sample();
    clearInterval(this.timer);
    return [...this.seen].map(([name, pids]) => {
      const series = this.series.get(name) ?? [];
      return {
        name,
        pids: [...pids],
        cpu_seconds: +[...pids].reduce((s, p) => s + (this.lastCpu.get(p)! - this.startCpu.get(p)!), 0).toFixed(2),
        peak_pss_mb: +(this.peaks.get(name) ?? 0).toFixed(1),
        end_pss_mb: series.at(-1) ?? 0,
        peak_process_rss_mb: +(this.processPeaks.get(name) ?? 0).toFixed(1),
        pss_series_mb: series,
      };
    });
  }
}

export const loadAverage = (): string => readFileSync('/proc/loadavg', 'utf8').trim();
