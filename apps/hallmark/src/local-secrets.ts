import { randomBytes } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';

export interface LocalSecrets {
  admin_token: string;
  master_key: string;
  grant_key: string;
  created: boolean;
}

/**
 * The embedded process's admin token and master key, generated on first start and kept in the
 * data directory (mode 0600), so sessions sealed before a restart stay readable after it.
 */
export function loadOrCreateSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    if (kept.grant_key) return { ...kept, created: false };
    // A data directory from before the grant key existed: add it, keep the rest.
    kept.grant_key = randomBytes(32).toString('base64');
    writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
    return { ...kept, created: false };
  }
  // Traversable by the database server's OS user when running as root; the secrets file itself is 0600.
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secrets = {
    admin_token: randomBytes(24).toString('base64url'),
    master_key: randomBytes(32).toString('base64'),
    grant_key: randomBytes(32).toString('base64'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return { ...secrets, created: true };
}
