import { spawn, type ChildProcess } from 'child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'fs';
import { createServer } from 'net';
import { join, resolve } from 'path';

export const REPO_ROOT = resolve(__dirname, '../../..');

// jest's globalSetup loads this without the path aliases, so the harness keeps its own copy of
// these two helpers (the services' is @hallmark/platform local-processes.ts).

/** A port that was free a moment ago on 127.0.0.1, other than those in `exclude`. */
export async function freePort(exclude: number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((ok, fail) => {
      const server = createServer();
      server.unref();
      server.once('error', fail);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
      });
    });
    if (!exclude.includes(port)) return port;
  }
  throw new Error('no free port found');
}

/** True while `pid` is a live process (a zombie counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/**
 * Starts `apps/<app>/src/main.ts` as its own Node process, its output appended to `<logDir>/<name>.log`.
 * `nodeArgs` go before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not accept).
 */
export function spawnApp(
  app: string,
  name: string,
  env: Record<string, string>,
  logDir: string,
  nodeArgs: string[] = [],
): ChildProcess {
  return spawnScript(join('apps', app, 'src', 'main.ts'), name, env, logDir, nodeArgs);
}

/** Starts a TypeScript entry point (relative to the repository root) as its own Node process, logging to `<logDir>/<name>.log`. */
export function spawnScript(
  script: string,
  name: string,
  env: Record<string, string>,
  logDir: string,
  nodeArgs: string[] = [],
): ChildProcess {
  mkdirSync(logDir, { recursive: true });
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, [...nodeArgs, '-r', '@swc-node/register', script], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once('exit', () => log.end());
  return child;
}

/** Polls `url` until it answers 2xx; fails early if the process exits. */
export async function waitForHttp(url: string, child?: ChildProcess, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child?.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`process exited before ${url} became ready`);
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms`);
}

/** SIGTERM (graceful), then SIGKILL after `graceMs`. */
export async function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 15000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
