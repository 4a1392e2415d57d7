// A real single-node Apache Kafka broker (KRaft, combined broker+controller) started from the jars
// that Maven resolves for tools/kafka/pom.xml: no Docker, no downloaded tarball. Used by the jest
// global setup and by `tools/kafka/broker.ts` for local development.
import { spawn, spawnSync } from 'child_process';
import { createHash, randomBytes } from 'crypto';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'fs';
import { createServer } from 'net';
import { freePort, isAlive } from './processes';
import { tmpdir } from 'os';
import { delimiter, join, resolve } from 'path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';

export interface KafkaBrokerHandle {
  brokers: string[];
  pid: number;
  dir: string;
  version: string;
  stop(): Promise<void>;
}

export interface StartKafkaBrokerOptions {
  /** PLAINTEXT listener port; a free one when omitted. */
  port?: number;
  /** CONTROLLER listener port; a free one when omitted. */
  controllerPort?: number;
  /** Working directory (properties, data, log, pid file); a fresh temp dir, removed on stop, when omitted. */
  dir?: string;
  /** JVM max heap in MiB (default 256: plenty for a test broker, and quick to start). */
  heapMb?: number;
  /** Restart on the storage a previous start in `dir` left (topics, records, offsets survive). */
  keepData?: boolean;
}

const REPO_ROOT = resolve(__dirname, '../../..');
const KAFKA_TOOL_DIR = join(REPO_ROOT, 'tools/kafka');
const POM = join(KAFKA_TOOL_DIR, 'pom.xml');
const LOG4J_CONFIG = join(KAFKA_TOOL_DIR, 'log4j2.xml');
const CLASSPATH_CACHE_DIR = join(REPO_ROOT, 'node_modules/.cache/hallmark-kafka');
const READY_TIMEOUT_MS = 60_000;

export const PID_FILE = 'broker.pid';
export const INFO_FILE = 'broker.json';
export const LOG_FILE = 'broker.log';
/** Class-data-sharing archive a first broker writes at exit (see classArchive below). */
const DUMPED_ARCHIVE = 'classes.jsa';

/** The Kafka version pinned in tools/kafka/pom.xml (the single place to change it). */
export function kafkaVersion(): string {
  const match = /<kafka\.version>\s*([^<\s]+)\s*<\/kafka\.version>/.exec(readFileSync(POM, 'utf8'));
  if (!match) throw new Error(`no <kafka.version> property in ${POM}`);
  return match[1];
}

function javaBinary(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin/java') : 'java';
}

/** The real path of the java binary (the CDS archive is only valid for the JVM that wrote it). */
function realJavaPath(): string {
  const java = javaBinary();
  const candidates = java.includes('/') ? [java] : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, java));
  for (const candidate of candidates) {
    try {
      return realpathSync(candidate);
    } catch {
      /* next */
    }
  }
  return java;
}

/**
 * JVM start-up dominates the broker's start time (loading ~10k Kafka and Scala classes). The first
 * broker dumps the classes it loaded into a dynamic AppCDS archive at exit; later starts (format
 * tool and broker) map it, which cuts about a second off each. The archive is keyed by classpath
 * and JVM; a stale or foreign one only makes the JVM print a warning and load classes normally.
 * Set HALLMARK_KAFKA_CDS=0 to disable.
 */
function classArchive(classpath: string): string | undefined {
  if (process.env.HALLMARK_KAFKA_CDS === '0') return undefined;
  const key = createHash('sha256').update(classpath).update('\0').update(realJavaPath()).digest('hex').slice(0, 12);
  return join(CLASSPATH_CACHE_DIR, `classes-${kafkaVersion()}-${key}.jsa`);
}

/** Moves the archive a cleanly stopped broker dumped in `dir` into the cache (atomically). */
function collectClassArchive(dir: string): void {
  const dumped = join(dir, DUMPED_ARCHIVE);
  if (!existsSync(dumped)) return;
  try {
    const info = JSON.parse(readFileSync(join(dir, INFO_FILE), 'utf8')) as { classArchive?: string };
    if (info.classArchive && !existsSync(info.classArchive)) {
      const tmp = `${info.classArchive}.${process.pid}.tmp`;
      copyFileSync(dumped, tmp); // the dir may be on another file system than the cache
      renameSync(tmp, info.classArchive);
    }
  } catch {
    /* best effort: the next broker simply dumps a new one */
  } finally {
    rmSync(dumped, { force: true });
  }
}

/**
 * The broker's classpath. Resolved once by Maven (jars stay in ~/.m2) and cached under
 * node_modules/.cache, keyed by the pom's content, so later starts need no Maven run.
 */
export function kafkaClasspath(): string {
  const pom = readFileSync(POM);
  const key = createHash('sha256').update(pom).digest('hex').slice(0, 12);
  const cacheFile = join(CLASSPATH_CACHE_DIR, `classpath-${kafkaVersion()}-${key}.txt`);
  if (existsSync(cacheFile)) {
    const cached = readFileSync(cacheFile, 'utf8').trim();
    // ~/.m2 may have been cleaned since: trust the cache only when every jar is still there.
    if (cached && cached.split(':').every((jar) => existsSync(jar))) return cached;
  }
  mkdirSync(CLASSPATH_CACHE_DIR, { recursive: true });
  const tmpFile = `${cacheFile}.${process.pid}.tmp`;
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', POM, 'dependency:build-classpath', `-Dmdep.outputFile=${tmpFile}`], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (mvn.error || mvn.status !== 0 || !existsSync(tmpFile)) {
    rmSync(tmpFile, { force: true });
    throw new Error(
      `could not resolve the Kafka classpath with Maven (${mvn.error?.message ?? `exit ${mvn.status}`}):\n` +
        `${mvn.stdout ?? ''}${mvn.stderr ?? ''}`.slice(-4000),
    );
  }
  renameSync(tmpFile, cacheFile); // atomic: concurrent resolvers never see a half-written file
  return readFileSync(cacheFile, 'utf8').trim();
}

/** Whether `port` on 127.0.0.1 is free to listen on. */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const server = createServer();
    server.unref();
    server.once('error', () => ok(false));
    server.listen(port, '127.0.0.1', () => server.close(() => ok(true)));
  });
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding (22 characters). Like Kafka's own
 * Uuid.randomUuid, never one starting with '-', which the tool's argument parser takes for an option.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function serverProperties(dir: string, port: number, controllerPort: number): string {
  return [
    '# Single-node test broker written by libs/testing/src/kafka-broker.ts',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'share.coordinator.state.topic.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    '',
  ].join('\n');
}

/** The end of the broker log, preceded by its first ERROR lines (the cause, before the stack traces). */
function tail(file: string, lines = 30): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '(no log)';
  }
  const all = text.split('\n');
  const last = all.slice(-lines);
  const errors = all.filter((l) => /\b(ERROR|FATAL)\b|Exception:/.test(l) && !last.includes(l)).slice(0, 5);
  return [...errors, ...(errors.length ? ['...'] : []), ...last].join('\n');
}

/** Whether `pid` looks like a Kafka broker JVM (guards against a reused pid in a stale pid file). */
export function isKafkaBrokerProcess(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('kafka.Kafka');
  } catch {
    return isAlive(pid); // no procfs: best effort
  }
}

const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}

/** SIGTERM, wait, then SIGKILL; says whether the process ended on SIGTERM (a clean shutdown). */
async function terminate(pid: number): Promise<'gone' | 'terminated' | 'killed'> {
  if (!isAlive(pid)) return 'gone';
  try {
    process.kill(pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
    throw err;
  }
  if (await waitForExit(pid, 20_000)) return 'terminated';
  try {
    process.kill(pid, 'SIGKILL');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return 'terminated';
    throw err;
  }
  if (!(await waitForExit(pid, 5_000))) throw new Error(`Kafka broker ${pid} survived SIGKILL`);
  return 'killed';
}

/** Stops a broker by its pid: SIGTERM (controlled shutdown), wait, then SIGKILL. Never by name. */
export async function stopKafkaBroker(pid: number): Promise<void> {
  await terminate(pid);
}

/**
 * Stops the broker whose pid file is in `dir` (if that pid is still a Kafka broker) and removes
 * the pid file and broker.json. Returns the pid it stopped, or undefined when none was running.
 */
export async function stopKafkaBrokerInDir(dir: string): Promise<number | undefined> {
  const pidFile = join(dir, PID_FILE);
  let stopped: number | undefined;
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && isAlive(pid) && isKafkaBrokerProcess(pid)) {
      const how = await terminate(pid);
      stopped = pid;
      if (how === 'terminated') collectClassArchive(dir);
    }
  }
  rmSync(join(dir, DUMPED_ARCHIVE), { force: true });
  rmSync(pidFile, { force: true });
  rmSync(join(dir, INFO_FILE), { force: true });
  return stopped;
}

/**
 * The group coordinator (__consumer_offsets) and the producer-id path load lazily on first use;
 * until then the first consumer of a test run crashes and restarts on COORDINATOR_LOAD_IN_PROGRESS
 * and the first idempotent producer retries. Touch both once here (about half a second).
 */
async function warmUp(brokers: string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'hallmark-broker-warmup',
    brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 40 },
  });
  const admin = kafka.admin();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  try {
    await Promise.all([
      admin.connect().then(() => admin.describeGroups(['hallmark-broker-warmup'])),
      producer.connect(), // InitProducerId
    ]);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await admin.disconnect().catch(() => undefined);
  }
}

/** Polls a kafkajs admin client until the broker answers `describeCluster`, then warms it up. */
async function waitUntilReady(brokers: string[], pid: number, logFile: string, exited: () => string | undefined) {
  const kafka = new Kafka({
    clientId: 'hallmark-broker-probe',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    requestTimeout: 5_000,
    retry: { retries: 0 },
  });
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const exit = exited();
    if (exit) throw new Error(`Kafka broker (pid ${pid}) exited during startup (${exit}); log tail:\n${tail(logFile)}`);
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) {
        await warmUp(brokers);
        return;
      }
    } catch (err) {
      lastError = err;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    await sleep(100);
  }
  throw new Error(
    `Kafka broker (pid ${pid}) did not answer within ${READY_TIMEOUT_MS / 1000} s ` +
      `(last error: ${(lastError as Error | undefined)?.message ?? 'none'}); log tail:\n${tail(logFile)}`,
  );
}

/**
 * Formats fresh storage and starts a single-node KRaft broker (broker+controller) on 127.0.0.1,
 * detached, with its output in <dir>/broker.log; resolves once a kafkajs admin client gets an
 * answer to describeCluster. Writes <dir>/broker.pid and <dir>/broker.json.
 */
export async function startKafkaBroker(opts: StartKafkaBrokerOptions = {}): Promise<KafkaBrokerHandle> {
  if (opts.dir) return launch(resolve(opts.dir), false, opts);
  const dir = mkdtempSync(join(tmpdir(), 'hallmark-kafka-'));
  try {
    return await launch(dir, true, opts);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true }); // the error carries the log tail
    throw err;
  }
}

async function launch(dir: string, ownDir: boolean, opts: StartKafkaBrokerOptions): Promise<KafkaBrokerHandle> {
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, PID_FILE);
  if (existsSync(pidFile)) {
    const old = Number(readFileSync(pidFile, 'utf8').trim());
    if (old > 0 && isAlive(old) && isKafkaBrokerProcess(old)) {
      throw new Error(`a Kafka broker (pid ${old}) is already running in ${dir}; stop it first`);
    }
  }
  const version = kafkaVersion();
  const classpath = kafkaClasspath();
  const port = opts.port ?? (await freePort());
  const controllerPort = opts.controllerPort ?? (await freePort([port]));
  const heapMb = opts.heapMb ?? 256;
  const brokers = [`127.0.0.1:${port}`];

  // Fresh storage on every start unless asked to restart on what is there (broker outage tests).
  const restart = !!opts.keepData && existsSync(join(dir, 'data', 'meta.properties'));
  if (!restart) rmSync(join(dir, 'data'), { recursive: true, force: true });
  rmSync(join(dir, INFO_FILE), { force: true });
  const propsFile = join(dir, 'server.properties');
  writeFileSync(propsFile, serverProperties(dir, port, controllerPort));
  const logFile = join(dir, LOG_FILE);
  const log4j = `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`;
  const archive = classArchive(classpath);
  const useArchive = archive && existsSync(archive) ? [`-XX:SharedArchiveFile=${archive}`] : [];
  const dumpArchive = archive && !useArchive.length ? [`-XX:ArchiveClassesAtExit=${join(dir, DUMPED_ARCHIVE)}`] : [];
  rmSync(join(dir, DUMPED_ARCHIVE), { force: true });

  const format = restart
    ? { status: 0, error: undefined, stdout: '', stderr: '' }
    : spawnSync(
        javaBinary(),
        // A short-lived tool: C1 only starts it a little faster.
        [
          '-Xmx128m',
          '-XX:TieredStopAtLevel=1',
          ...useArchive,
          log4j,
          '-cp',
          classpath,
          'kafka.tools.StorageTool',
          'format',
          '-t',
          clusterId(),
          '-c',
          propsFile,
          '--standalone',
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      );
  if (format.error || format.status !== 0) {
    throw new Error(
      `formatting Kafka storage failed (${format.error?.message ?? `exit ${format.status}`}):\n${format.stdout}${format.stderr}`,
    );
  }

  const out = openSync(logFile, 'w');
  const jvmArgs = [`-Xmx${heapMb}m`, ...useArchive, ...dumpArchive, log4j];
  const child = spawn(javaBinary(), [...jvmArgs, '-cp', classpath, 'kafka.Kafka', propsFile], {
    cwd: dir,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exitInfo: string | undefined;
  child.once('exit', (code, signal) => (exitInfo = signal ? `signal ${signal}` : `exit code ${code}`));
  child.once('error', (err) => (exitInfo = err.message));
  child.unref();
  const pid = child.pid;
  if (!pid)
    throw new Error(`could not start ${javaBinary()} (Java 17+ needed; set JAVA_HOME?): ${exitInfo ?? 'no pid'}`);
  writeFileSync(pidFile, `${pid}\n`);

  try {
    await waitUntilReady(brokers, pid, logFile, () => exitInfo);
  } catch (err) {
    await stopKafkaBroker(pid).catch(() => undefined);
    rmSync(pidFile, { force: true });
    throw err;
  }
  const info = { brokers, pid, dir, version, ...(dumpArchive.length ? { classArchive: archive } : {}) };
  writeFileSync(join(dir, INFO_FILE), JSON.stringify(info, null, 2) + '\n');

  return {
    brokers,
    pid,
    dir,
    version,
    async stop() {
      await stopKafkaBrokerInDir(dir);
      await stopKafkaBroker(pid); // in case the pid file was removed meanwhile
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
