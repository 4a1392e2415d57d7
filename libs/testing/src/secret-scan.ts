import { existsSync, readFileSync, readdirSync, statSync } from 'fs';
import { join } from 'path';
import { Client } from 'pg';
import { kafka, readTopic } from './kafka-topics';
import { withDatabase } from './postgres';
import { REPO_ROOT } from './processes';
import { SECRETS_DIR } from './secret-recorder';

export interface SecretFinding {
  where: string;
  /** The first characters of the value only. */
  value: string;
}

/**
 * The sample person the embedded process prints in its start banner's example curl (and the demo
 * configuration documents): public by design, so not looked for. Tests that check personal data
 * use values of their own.
 */
const PUBLIC_SAMPLE_VALUES = new Set(['Mustermann', '1964-08-12']);

const readSecrets = (): string[] =>
  existsSync(SECRETS_DIR)
    ? [
        ...new Set(
          readdirSync(SECRETS_DIR).flatMap((f) =>
            readFileSync(join(SECRETS_DIR, f), 'utf8')
              .split('\n')
              .filter(Boolean)
              .map((l) => JSON.parse(l) as string),
          ),
        ),
      ].filter((s) => !PUBLIC_SAMPLE_VALUES.has(s))
    : [];

/**
 * After the whole integration run: every secret and personal value the tests exchanged with the
 * targets (recorded by the secret recorder) is looked for in every row of every Hallmark schema
 * of the run's databases, every record of every topic on the broker, and every service log the
 * run wrote. The embedded targets' private databases are gone by then; the stack targets' are not.
 */
export async function scanForSecrets(options: {
  databaseUrl: string;
  brokers: string[];
  since: number;
}): Promise<{ secrets: number; findings: SecretFinding[]; scanned: { rows: number; records: number; logs: number } }> {
  const secrets = readSecrets();
  const findings: SecretFinding[] = [];
  const scanned = { rows: 0, records: 0, logs: 0 };
  const look = (where: string, text: string) => {
    for (const s of secrets) if (text.includes(s)) findings.push({ where, value: `${s.slice(0, 6)}...` });
  };
  if (secrets.length === 0) return { secrets: 0, findings, scanned };

  const admin = new Client({ connectionString: options.databaseUrl });
  await admin.connect();
  const { rows: databases } = await admin.query(
    `SELECT datname FROM pg_database WHERE datname LIKE 'hallmark\\_e2e\\_%' OR datname LIKE 'hallmark\\_test%'`,
  );
  await admin.end();
  for (const { datname } of databases) {
    const c = new Client({ connectionString: withDatabase(options.databaseUrl, datname) });
    await c.connect();
    try {
      const { rows: tables } = await c.query(
        `SELECT table_schema, table_name FROM information_schema.tables WHERE table_schema LIKE 'hallmark\\_%' AND table_type = 'BASE TABLE'`,
      );
      for (const { table_schema: schema, table_name: table } of tables) {
        const { rows } = await c.query(`SELECT row_to_json(x)::text AS row FROM "${schema}"."${table}" x`);
        scanned.rows += rows.length;
        look(`${datname}: ${schema}.${table}`, rows.map((r) => r.row).join('\n'));
      }
    } finally {
      await c.end();
    }
  }

  const k = kafka(options.brokers).admin();
  await k.connect();
  const topics = (await k.listTopics()).filter((t) => !t.startsWith('__'));
  await k.disconnect();
  for (const topic of topics) {
    for (const m of await readTopic(topic, options.brokers)) {
      scanned.records += 1;
      look(
        `Kafka ${topic}`,
        `${m.key?.toString() ?? ''} ${m.value?.toString() ?? ''} ${JSON.stringify(Object.fromEntries(Object.entries(m.headers ?? {}).map(([h, v]) => [h, v?.toString()])))}`,
      );
    }
  }

  const logRoot = join(REPO_ROOT, 'tmp', 'e2e-logs');
  for (const dir of existsSync(logRoot) ? readdirSync(logRoot) : []) {
    const path = join(logRoot, dir);
    if (statSync(path).mtimeMs < options.since) continue;
    for (const f of readdirSync(path)) {
      scanned.logs += 1;
      look(`log ${dir}/${f}`, readFileSync(join(path, f), 'utf8'));
    }
  }
  return { secrets: secrets.length, findings, scanned };
}
