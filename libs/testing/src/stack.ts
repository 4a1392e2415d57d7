import type { ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import { join } from 'path';
import type { ServiceName } from '@hallmark/contracts';
import { startDevGateway, type DevGateway } from './dev-gateway';
import { freePort, spawnApp, stopProcess, waitForHttp } from './processes';

export const STACK_SERVICES: ServiceName[] = [
  'offer-service',
  'authorization-server',
  'credential-service',
  'audit-projector',
];

export interface StackOptions {
  databaseUrl: string;
  kafkaBrokers: string[];
  logDir: string;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  gatewayPort?: number;
}

interface RunningService {
  port: number;
  url: string;
  process?: ChildProcess;
}

/**
 * The Kafka stack: the four services as separate processes on a real broker and a real Postgres,
 * behind the dev gateway. Used by `npm run stack` and the end-to-end tests.
 */
export class HallmarkStack {
  readonly adminToken = randomBytes(18).toString('base64url');
  readonly auditorToken = randomBytes(18).toString('base64url');
  readonly masterKey = randomBytes(32).toString('base64');
  readonly grantKey = randomBytes(32).toString('base64');
  readonly internalToken = randomBytes(18).toString('base64url');
  /** Topics and groups of this stack are its own, so stacks can share one broker. */
  readonly kafkaNamespace = `stack-${randomBytes(4).toString('hex')}`;
  private readonly services = new Map<ServiceName, RunningService>();
  private gateway?: DevGateway;

  private constructor(private readonly options: StackOptions) {}

  static async start(options: StackOptions): Promise<HallmarkStack> {
    const stack = new HallmarkStack(options);
    for (const name of STACK_SERVICES) {
      // A port is free again once probed: exclude the ones already handed out, or two services may get the same.
      const port = await freePort([...stack.services.values()].map((s) => s.port));
      stack.services.set(name, { port, url: `http://127.0.0.1:${port}` });
    }
    const upstreams = Object.fromEntries([...stack.services].map(([n, s]) => [n, s.url])) as Record<
      ServiceName,
      string
    >;
    stack.gateway = await startDevGateway(upstreams, options.gatewayPort ?? 0);
    try {
      await Promise.all(STACK_SERVICES.map((name) => stack.startService(name)));
    } catch (err) {
      await stack.stop();
      throw err;
    }
    return stack;
  }

  get baseUrl(): string {
    return this.gateway!.url;
  }

  /** A topic's name on the broker. */
  topic(logical: string): string {
    return `${this.kafkaNamespace}.${logical}`;
  }

  urlOf(name: ServiceName): string {
    return this.services.get(name)!.url;
  }

  /** Starts (or restarts) one service and waits until it is ready. */
  async startService(name: ServiceName): Promise<void> {
    const service = this.services.get(name)!;
    service.process = this.spawnService(name, service.port, name);
    await waitForHttp(`${service.url}/health/ready`, service.process);
  }

  /** A second instance of a service on the same database and broker, reached directly (not through the gateway). */
  async startReplica(name: ServiceName): Promise<{ url: string; stop: () => Promise<void> }> {
    const port = await freePort();
    const child = this.spawnService(name, port, `${name}-replica-${port}`);
    const url = `http://127.0.0.1:${port}`;
    await waitForHttp(`${url}/health/ready`, child);
    return { url, stop: () => stopProcess(child) };
  }

  private spawnService(name: ServiceName, port: number, logName: string): ChildProcess {
    return spawnApp(
      name,
      logName,
      {
        PORT: String(port),
        DATABASE_URL: this.options.databaseUrl,
        KAFKA_BROKERS: this.options.kafkaBrokers.join(','),
        HALLMARK_TRANSPORT: 'kafka',
        HALLMARK_PUBLIC_URL: this.baseUrl,
        HALLMARK_ADMIN_TOKEN: this.adminToken,
        HALLMARK_AUDITOR_TOKEN: this.auditorToken,
        HALLMARK_MASTER_KEY: this.masterKey,
        HALLMARK_GRANT_KEY: this.grantKey,
        HALLMARK_INTERNAL_TOKEN: this.internalToken,
        HALLMARK_OFFER_SERVICE_URL: this.urlOf('offer-service'),
        HALLMARK_KAFKA_NAMESPACE: this.kafkaNamespace,
        HALLMARK_TRUST_PROXY: '1', // the dev gateway sets X-Forwarded-For
        HALLMARK_KEYS_DIR: join(this.options.logDir, '..', `keys-${this.kafkaNamespace}`),
        ...this.options.env,
      },
      this.options.logDir,
    );
  }

  /** Stops one service; resolves with how it exited. */
  async stopService(
    name: ServiceName,
    signal: NodeJS.Signals = 'SIGTERM',
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
    const service = this.services.get(name)!;
    const child = service.process;
    if (!child) return undefined;
    await stopProcess(child, signal);
    service.process = undefined;
    return { code: child.exitCode, signal: child.signalCode };
  }

  async stop(): Promise<void> {
    await Promise.all(STACK_SERVICES.map((n) => this.stopService(n).catch(() => undefined)));
    await this.gateway?.close();
  }

  describe(): Record<string, unknown> {
    return {
      gateway: this.baseUrl,
      services: Object.fromEntries([...this.services].map(([n, s]) => [n, s.url])),
      admin_token: this.adminToken,
      auditor_token: this.auditorToken,
      kafka_brokers: this.options.kafkaBrokers,
      kafka_namespace: this.kafkaNamespace,
    };
  }
}
