import { openDatabase, EVENT_STORE_MIGRATIONS } from '@hallmark/event-store';
import { loadConfig } from '@hallmark/platform';
import { AuditProjections1732780002000 } from '../migrations/1732780002000-audit-projections';
import { UnattributedRequests1732780007000 } from '../migrations/1732780007000-unattributed-requests';
import { projectionChecksum, rebuildProjections, replaySources } from './rebuild-projections';

/** `npm run projections:rebuild`: drop the projections and replay every service's event store. */
async function main(): Promise<void> {
  const config = loadConfig('projections-rebuild');
  const db = await openDatabase({
    url: config.databaseUrl,
    preparedStatements: config.preparedStatements,
    schema: 'hallmark_audit',
    migrations: [...EVENT_STORE_MIGRATIONS, AuditProjections1732780002000, UnattributedRequests1732780007000],
  });
  try {
    const before = await projectionChecksum(db);
    const started = Date.now();
    const { events } = await rebuildProjections(db, replaySources(config.replaySources, config.databaseUrl));
    const after = await projectionChecksum(db);
    process.stdout.write(
      JSON.stringify({
        replayed_events: events,
        ms: Date.now() - started,
        checksum_before: before,
        checksum_after: after,
        identical: before === after,
      }) + '\n',
    );
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  process.stderr.write(`rebuild failed: ${(err as Error).message}\n`);
  process.exit(1);
});
