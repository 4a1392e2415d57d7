import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export interface LocalSecrets {
  admin_token: string;
  master_key: string;
  grant_key: string;
  internal_token: string;
  created: boolean;
}

const GENERATORS: Record<Exclude<keyof LocalSecrets, 'created'>, () => string> = {
  admin_token: () => randomBytes(24).toString('base64url'),
  master_key: () => randomBytes(32).toString('base64'),
  grant_key: () => randomBytes(32).toString('base64'),
  internal_token: () => randomBytes(24).toString('base64url'),
};

/**
 * The embedded process's secrets (admin token, master key, grant key, internal token), generated
 * on first start and kept in the data directory (mode 0600), so sessions sealed before a restart
 * stay readable after it. A data directory from an older version gets the secrets it lacks.
 */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const created = !existsSync(file);
  // Traversable by the database server's OS user when running as root; the secrets file itself is 0600.
  if (created) mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const kept: Partial<LocalSecrets> = created ? {} : JSON.parse(readFileSync(file, 'utf8'));
  const missing = (Object.keys(GENERATORS) as Array<keyof typeof GENERATORS>).filter((k) => !kept[k]);
  for (const k of missing) kept[k] = GENERATORS[k]();
  if (missing.length) writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  return { ...(kept as Omit<LocalSecrets, 'created'>), created };
}
