import type { ChildProcess } from 'child_process';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { freePort, spawnApp, stopProcess, waitForHttp } from './processes';

/** The one-process default (`npm start`) as a child process, with its own data directory. */
export class EmbeddedHallmark {
  private process?: ChildProcess;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly logDir: string,
    private readonly ownDir: boolean,
    private readonly nodeArgs: string[],
  ) {}

  static async start(options: {
    logDir: string;
    dataDir?: string;
    env?: Record<string, string>;
    nodeArgs?: string[];
  }): Promise<EmbeddedHallmark> {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'hallmark-embedded-'));
    const target = new EmbeddedHallmark(
      dataDir,
      await freePort(),
      options.logDir,
      !options.dataDir,
      options.nodeArgs ?? [],
    );
    await target.startProcess(options.env);
    return target;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  get adminToken(): string {
    return JSON.parse(readFileSync(join(this.dataDir, 'secrets.json'), 'utf8')).admin_token;
  }

  async startProcess(env: Record<string, string> = {}): Promise<void> {
    this.process = spawnApp(
      'hallmark',
      'hallmark',
      {
        PORT: String(this.port),
        HALLMARK_DATA_DIR: this.dataDir,
        HALLMARK_PUBLIC_URL: this.baseUrl,
        DATABASE_URL: '',
        ...env,
      },
      this.logDir,
      this.nodeArgs,
    );
    await waitForHttp(`${this.baseUrl}/health/ready`, this.process);
  }

  async stopProcess(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.process) await stopProcess(this.process, signal);
    this.process = undefined;
  }

  async stop(): Promise<void> {
    await this.stopProcess();
    if (this.ownDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}
