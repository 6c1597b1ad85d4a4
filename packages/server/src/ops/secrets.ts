import fs from 'node:fs';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { SecretBox, secretBoxLoader, writeKeyFile } from '../lib/secret-box.js';
import { resealTotpSecrets } from '../modules/auth/totp-secret.js';
import { resealIdentitySecrets } from '../modules/identity/provider-secret.js';

export interface RotationReport {
  resealed: number;
  keyFile: string;
  /** Where the old key was moved, when it was a file this command replaced. */
  previousKeyFile: string | null;
}

/**
 * Re-seals every secret with a new key. The new key is on disk before the database changes, and the database
 * changes in one transaction: a crash leaves either the old key and old values, or both new ones.
 */
export async function rotateSecretsKey(
  config: Config,
  db: Db,
  opts: { newKeyFile?: string; warn?: (m: string) => void } = {},
): Promise<RotationReport> {
  const source = config.secretsKey;
  const current = secretBoxLoader(source, opts.warn ?? (() => {}))();
  const target = opts.newKeyFile ?? (source.kind === 'file' ? source.path : null);
  if (!target)
    throw new Error('the secrets key comes from SECRETS_KEY: name a file for the new key with --new-key-file');
  const replacing = source.kind === 'file' && source.path === target;
  if (!replacing && fs.existsSync(target)) throw new Error(`${target} already exists: name a new file`);
  const next = SecretBox.generate();
  const staged = `${target}.new`;
  fs.rmSync(staged, { force: true });
  writeKeyFile(staged, next);
  let resealed: number;
  try {
    resealed = await db.transaction(
      async (tx) => (await resealTotpSecrets(tx, current, next)) + (await resealIdentitySecrets(tx, current, next)),
    );
  } catch (err) {
    fs.rmSync(staged, { force: true });
    throw err;
  }
  let previousKeyFile: string | null = null;
  if (replacing) {
    previousKeyFile = `${target}.replaced-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target, previousKeyFile);
  }
  fs.renameSync(staged, target);
  return { resealed, keyFile: target, previousKeyFile };
}
