// A local single-node Kafka broker for development, without Docker.
//
//   node -r @swc-node/register tools/kafka/broker.ts start  [--dir .hallmark/kafka] [--port 9092]
//   node -r @swc-node/register tools/kafka/broker.ts status [--dir .hallmark/kafka]
//   node -r @swc-node/register tools/kafka/broker.ts stop   [--dir .hallmark/kafka]
//
// `start` prints the bootstrap address (e.g. 127.0.0.1:9092, usable as KAFKA_BROKERS) and leaves
// the broker running in the background; `stop` stops it by the pid file in the dir.
import { existsSync, readFileSync } from 'fs';
import { join, resolve } from 'path';
import {
  INFO_FILE,
  LOG_FILE,
  PID_FILE,
  isAlive,
  isKafkaBrokerProcess,
  isPortFree,
  startKafkaBroker,
  stopKafkaBrokerInDir,
} from '@hallmark/testing';

const REPO_ROOT = resolve(__dirname, '../..');
const USAGE = 'usage: broker.ts start|stop|status [--dir DIR] [--port PORT]';

interface Args {
  command: string;
  dir: string;
  port?: number;
}

function parseArgs(argv: string[]): Args {
  const [command, ...rest] = argv;
  const args: Args = { command, dir: join(REPO_ROOT, '.hallmark/kafka') };
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].split('=', 2);
    const value = inline ?? rest[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
    if (flag === '--dir') args.dir = resolve(value);
    else if (flag === '--port') {
      args.port = Number(value);
      if (!Number.isInteger(args.port) || args.port <= 0 || args.port > 65535) throw new Error(`bad port ${value}`);
    } else throw new Error(`unknown option ${flag}\n${USAGE}`);
  }
  return args;
}

/** The running broker described by the dir's pid file and broker.json, if any. */
function running(dir: string): { pid: number; brokers?: string[]; version?: string } | undefined {
  const pidFile = join(dir, PID_FILE);
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!(pid > 0) || !isAlive(pid) || !isKafkaBrokerProcess(pid)) return undefined;
  try {
    return { pid, ...JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) };
  } catch {
    return { pid }; // still starting, or broker.json lost
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  switch (args.command) {
    case 'start': {
      const current = running(args.dir);
      if (current) {
        console.error(`already running (pid ${current.pid}) in ${args.dir}`);
        console.log(current.brokers?.join(',') ?? '');
        return 0;
      }
      const port = args.port ?? ((await isPortFree(9092)) ? 9092 : undefined);
      const t0 = Date.now();
      const broker = await startKafkaBroker({ dir: args.dir, port });
      console.error(
        `Kafka ${broker.version} started in ${((Date.now() - t0) / 1000).toFixed(1)} s ` +
          `(pid ${broker.pid}, dir ${broker.dir}, log ${join(broker.dir, LOG_FILE)})`,
      );
      console.log(broker.brokers.join(','));
      return 0;
    }
    case 'stop': {
      const pid = await stopKafkaBrokerInDir(args.dir);
      console.error(pid ? `stopped Kafka broker (pid ${pid})` : `no Kafka broker running in ${args.dir}`);
      return 0;
    }
    case 'status': {
      const current = running(args.dir);
      if (!current) {
        console.error(`not running (${args.dir})`);
        return 1;
      }
      console.error(`running: pid ${current.pid}, Kafka ${current.version ?? '?'}, dir ${args.dir}`);
      console.log(current.brokers?.join(',') ?? '');
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
