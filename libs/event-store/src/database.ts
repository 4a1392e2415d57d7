import { DataSource, type MigrationInterface } from 'typeorm';
import { Client } from 'pg';

export interface DatabaseOptions {
  /** postgres:// URL of the database that holds this service's schema. */
  url: string;
  /** The service's own schema: `hallmark_offer`, `hallmark_audit`, ... */
  schema: string;
  poolSize?: number;
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
      extra: { max: options.poolSize ?? 10, options: `-c search_path=${options.schema}` },
      logging: false,
    });
    await ds.initialize();
    await ds.runMigrations();
    return ds;
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [`hallmark-migrations:${options.schema}`]).catch(() => undefined);
    await admin.end();
  }
}
