import type { FlowResult } from './wallet-flow';

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted.length ? +sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)].toFixed(2) : 0;
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: at(1) };
}

export interface LoadResult {
  mode: 'closed' | 'open';
  /** Closed loop: wallets running flows back to back. */
  concurrency?: number;
  /** Open loop: flows started per second, whatever the issuer's answers. */
  offered_per_second?: number;
  seconds: number;
  flows_completed: number;
  flows_per_second: number;
  errors: number;
  error_samples: string[];
  /** Open loop: flows not started because `maxInFlight` were still running (the issuer fell behind). */
  flows_not_started?: number;
  /** Whole flow, from its (scheduled) start to the credential answer. */
  flow_ms: Percentiles;
  endpoints: Record<string, Percentiles>;
  projection_lag_ms?: Percentiles;
  /** Flows whose credential_issued did not reach the timeline within 30 s (not counted as errors: the lag is its own figure). */
  projection_lag_timeouts?: number;
  /** Flows completed per second, second by second (for the chart and to see drift). */
  per_second: number[];
}

class Recorder {
  readonly steps = new Map<string, number[]>();
  readonly flows: number[] = [];
  readonly lags: Promise<number>[] = [];
  readonly completions: number[] = [];
  errors = 0;
  readonly errorSamples: string[] = [];

  constructor(private readonly t0: number) {}

  ok(startedAt: number, r: FlowResult): void {
    const now = performance.now();
    this.flows.push(now - startedAt);
    this.completions.push(now - this.t0);
    for (const [label, ms] of r.steps) {
      const list = this.steps.get(label) ?? [];
      if (!list.length) this.steps.set(label, list);
      list.push(ms);
    }
    if (r.lag) this.lags.push(r.lag);
  }

  fail(err: unknown): void {
    this.errors += 1;
    if (this.errorSamples.length < 5) this.errorSamples.push((err as Error).message ?? String(err));
  }

  /** `seconds` is taken when the last flow ended; the projection lags still outstanding are awaited after. */
  async result(
    base: Pick<LoadResult, 'mode' | 'concurrency' | 'offered_per_second' | 'flows_not_started'>,
    seconds: number,
  ): Promise<LoadResult> {
    const lags = await Promise.allSettled(this.lags);
    const observed = lags.flatMap((l) => (l.status === 'fulfilled' ? [l.value] : []));
    const perSecond = Array.from({ length: Math.ceil(seconds) }, () => 0);
    for (const c of this.completions) if (c / 1000 < perSecond.length) perSecond[Math.floor(c / 1000)] += 1;
    return {
      ...base,
      seconds: +seconds.toFixed(2),
      flows_completed: this.flows.length,
      flows_per_second: +(this.flows.length / seconds).toFixed(1),
      errors: this.errors,
      error_samples: this.errorSamples,
      flow_ms: percentiles(this.flows),
      endpoints: Object.fromEntries([...this.steps].map(([label, v]) => [label, percentiles(v)])),
      ...(lags.length
        ? { projection_lag_ms: percentiles(observed), projection_lag_timeouts: lags.length - observed.length }
        : {}),
      per_second: perSecond,
    };
  }
}

type Flow = (index: number) => Promise<FlowResult>;

/** `concurrency` wallets, each starting its next flow when the last one ended, for `seconds`. */
export async function closedLoop(concurrency: number, seconds: number, flow: Flow): Promise<LoadResult> {
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  const rec = new Recorder(t0);
  let index = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        try {
          rec.ok(started, await flow(index++));
        } catch (err) {
          rec.fail(err);
        }
      }
    }),
  );
  return rec.result({ mode: 'closed', concurrency }, (performance.now() - t0) / 1000);
}

/**
 * Open loop: a flow starts every 1/rate s on a fixed schedule, whether or not earlier ones
 * finished, and its time counts from when it was due (no coordinated omission). At most
 * `maxInFlight` run at once; a start beyond that is counted as not started (and as an error).
 */
export async function openLoop(rate: number, seconds: number, flow: Flow, maxInFlight = 2000): Promise<LoadResult> {
  const t0 = performance.now();
  const rec = new Recorder(t0);
  const total = Math.round(rate * seconds);
  let inFlight = 0;
  let notStarted = 0;
  const running: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    if (inFlight >= maxInFlight) {
      notStarted += 1;
      rec.fail(new Error(`${maxInFlight} flows still in flight: flow ${i} not started`));
      continue;
    }
    inFlight += 1;
    running.push(
      flow(i)
        .then(
          (r) => rec.ok(due, r),
          (err) => rec.fail(err),
        )
        .finally(() => (inFlight -= 1)),
    );
  }
  await Promise.all(running);
  return rec.result(
    { mode: 'open', offered_per_second: rate, flows_not_started: notStarted },
    (performance.now() - t0) / 1000,
  );
}
