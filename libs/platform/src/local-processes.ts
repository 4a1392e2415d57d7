import { readFileSync } from 'fs';
import { createServer } from 'net';

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

/** 'R', 'S', ... or 'Z' (dead, not yet reaped) from /proc; undefined when unknown. */
export function processState(pid: number): { state: string; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state, ppid: Number(ppid) };
  } catch {
    return undefined;
  }
}

/** True while the kernel still has `pid`, zombies included (what a postmaster.pid check sees). */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while `pid` is a live process; a zombie counts as gone. */
export const isAlive = (pid: number): boolean => processExists(pid) && processState(pid)?.state !== 'Z';
