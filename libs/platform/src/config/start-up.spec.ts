import { spawn } from 'child_process';
import { randomBytes } from 'crypto';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const ROOT = join(__dirname, '../../../..');

/** Runs a service's main.ts as `npm run stack` does, with only the given Hallmark variables set. */
function start(app: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(HALLMARK_|DATABASE_URL$|KAFKA_BROKERS$|PORT$)/.test(k)),
  );
  // Nothing listens here: a service that got past its configuration would hang on the broker, not exit.
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', app, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { ...inherited, KAFKA_BROKERS: '127.0.0.1:9', DATABASE_URL: 'postgres://nobody@127.0.0.1:9/none', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25000);
  return new Promise((ok) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      ok({ code, stderr });
    }),
  );
}

describe('a process with a missing or malformed variable does not start', () => {
  it('exits non-zero naming HALLMARK_GRANT_KEY when the authorization server has none', async () => {
    const { code, stderr } = await start('authorization-server', {});
    expect(code).toBe(78);
    expect(stderr).toContain('HALLMARK_GRANT_KEY is required by authorization-server');
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 30000);

  it('exits non-zero naming HALLMARK_GRANT_KEY when it is not 32 bytes of base64', async () => {
    const malformed = randomBytes(20).toString('base64');
    const { code, stderr } = await start('authorization-server', { HALLMARK_GRANT_KEY: malformed });
    expect(code).toBe(78);
    expect(stderr).toContain('HALLMARK_GRANT_KEY must be 32 bytes, base64-encoded');
    expect(stderr).not.toContain(malformed);
  }, 30000);

  it('exits non-zero naming every bad variable of the offer service at once', async () => {
    const { code, stderr } = await start('offer-service', {
      HALLMARK_GRANT_KEY: randomBytes(32).toString('base64'),
      HALLMARK_MASTER_KEY: 'short',
      HALLMARK_TOPIC_PARTITIONS: 'NaN',
    });
    expect(code).toBe(78);
    expect(stderr).toContain('HALLMARK_MASTER_KEY must be 32 bytes');
    expect(stderr).toContain('HALLMARK_TOPIC_PARTITIONS must be an integer from 1 to 1000, got "NaN"');
    expect(stderr).toContain('HALLMARK_INTERNAL_TOKEN is required by offer-service');
  }, 30000);

  it('the one-process host checks what the operator set before it starts its database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hallmark-config-'));
    try {
      const { code, stderr } = await start('hallmark', {
        HALLMARK_DATA_DIR: dataDir,
        DATABASE_URL: '',
        HALLMARK_GRANT_KEY: 'too-short',
        HALLMARK_C_NONCE_TTL: '0',
      });
      expect(code).toBe(78);
      expect(stderr).toContain('hallmark cannot start');
      expect(stderr).toContain('HALLMARK_GRANT_KEY must be 32 bytes');
      expect(stderr).toContain('HALLMARK_C_NONCE_TTL must be an integer from 1 to 3600 (seconds), got "0"');
      expect(existsSync(join(dataDir, 'postgres'))).toBe(false); // the embedded database never started
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30000);
});
