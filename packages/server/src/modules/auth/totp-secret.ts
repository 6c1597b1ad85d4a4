import { and, eq, isNotNull, notLike } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { SecretBox } from '../../lib/secret-box.js';
import { users } from './schema.js';

/**
 * How a TOTP seed is kept in `users.totp_secret`: sealed with the server's secrets key, bound to its user. The one
 * place that writes or reads that column's meaning; a database dump shows only sealed values.
 */
const context = (userId: string) => `parley/totp/${userId}`;

export const sealTotpSecret = (box: SecretBox, userId: string, secret: string): string =>
  box.seal(secret, context(userId));

/** A value stored before secrets were sealed (or by an older release) is still read until it is sealed. */
export const openTotpSecret = (box: () => SecretBox, userId: string, stored: string): string =>
  SecretBox.isSealed(stored) ? box().open(stored, context(userId)) : stored;

const clearRows = (db: DbOrTx) =>
  db
    .select({ id: users.id, secret: users.totpSecret })
    .from(users)
    .where(and(isNotNull(users.totpSecret), notLike(users.totpSecret, 'sealed:%')));

/** Seals every seed still stored in clear (an upgrade from a release that kept them so). Returns how many. */
export async function sealClearTotpSecrets(db: DbOrTx, box: () => SecretBox): Promise<number> {
  const rows = await clearRows(db);
  for (const row of rows)
    if (row.secret)
      await db
        .update(users)
        .set({ totpSecret: sealTotpSecret(box(), row.id, row.secret) })
        .where(and(eq(users.id, row.id), eq(users.totpSecret, row.secret)));
  return rows.length;
}

/** Re-seals every seed from one key to another, inside the caller's transaction. Returns how many. */
export async function resealTotpSecrets(db: DbOrTx, from: SecretBox, to: SecretBox): Promise<number> {
  const rows = await db
    .select({ id: users.id, secret: users.totpSecret })
    .from(users)
    .where(isNotNull(users.totpSecret));
  for (const row of rows) {
    if (!row.secret) continue;
    const plain = openTotpSecret(() => from, row.id, row.secret);
    await db
      .update(users)
      .set({ totpSecret: sealTotpSecret(to, row.id, plain) })
      .where(eq(users.id, row.id));
  }
  return rows.length;
}
