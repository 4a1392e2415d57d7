import { createHash } from 'crypto';
import { DataSource, type MigrationInterface } from 'typeorm';
import { Client } from 'pg';

/** Enough for every statement the services run; beyond it a statement is planned each time again. */
const MAX_PREPARED_PER_CONNECTION = 256;

const statementNames = new Map<string, string>();
const statementName = (text: string): string => {
  let name = statementNames.get(text);
  if (!name) {
    name = `hm_${createHash('sha1').update(text).digest('base64url')}`;
    if (statementNames.size < 4 * MAX_PREPARED_PER_CONNECTION) statementNames.set(text, name);
  }
  return name;
};

/**
 * A pg client that prepares each parameterised statement once per connection (named after a hash
 * of its text) and from then on only binds and executes it. Unnamed, Postgres parsed and planned
 * every statement on every call: two thirds of the server's CPU for an append or a projection
 * write. Statements without parameters (BEGIN, COMMIT, DDL) stay unnamed.
 */
export class PreparingClient extends Client {
  private readonly prepared = new Set<string>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(config: any, values?: any, callback?: any): any {
    if (typeof config === 'string' && Array.isArray(values) && values.length > 0) {
      const name = statementName(config);
      if (this.prepared.has(name) || this.prepared.size < MAX_PREPARED_PER_CONNECTION) {
        this.prepared.add(name);
        return super.query({ name, text: config, values }, callback);
      }
    }
    return super.query(config, values, callback);
  }
}

export interface DatabaseOptions {
  /** postgres:// URL of the database that holds this service's schema. */
  url: string;
  /** The service's own schema: `hallmark_offer`, `hallmark_audit`, ... */
  schema: string;
  poolSize?: number;
  /** Prepare parameterised statements once per connection (PreparingClient); default true. */
  preparedStatements?: boolean;
  migrations: Array<new () => MigrationInterface>;
}

/**
 * Opens a TypeORM data source whose connections live in the service's own schema, creating the
 * schema and running its migrations under an advisory lock so that replicas starting together
 * do not race.
 */
export async function openDatabase(options: DatabaseOptions): Promise<DataSource> {
  if (!/^[a-z_][a-z0-9_]*$/.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
  const admin = new Client({ connectionString: options.url });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', [`hallmark-migrations:${options.schema}`]);
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    const ds = new DataSource({
      type: 'postgres',
      url: options.url,
      schema: options.schema,
      migrations: options.migrations,
      migrationsTableName: 'migrations',
      migrationsTransactionMode: 'each',
      extra: {
        max: options.poolSize ?? 10,
        options: `-c search_path=${options.schema}`,
        ...(options.preparedStatements === false ? {} : { Client: PreparingClient }),
      },
      logging: false,
    });
    await ds.initialize();
    await ds.runMigrations();
    return ds;
  } finally {
    await admin
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`hallmark-migrations:${options.schema}`])
      .catch(() => undefined);
    await admin.end();
  }
}
