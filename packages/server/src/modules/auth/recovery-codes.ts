import { randomInt } from 'node:crypto';
import { and, count, eq, isNull, min } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { sha256Hex } from '../../lib/crypto.js';
import { recoveryCodes } from './schema.js';

export const RECOVERY_CODE_COUNT = 10;
// No 0/O, 1/I/L: codes are read off paper and typed by hand.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** `abcde-23456`: ten characters from a 31-letter alphabet, about 50 bits. */
function newCode(): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
  return `${s.slice(0, 5)}-${s.slice(5)}`;
}

/** What is hashed: case, spaces and dashes as typed do not matter. */
export const normaliseCode = (typed: string): string => typed.toLowerCase().replace(/[\s-]+/g, '');
export const hashCode = (typed: string): string => sha256Hex(`parley-recovery-code:${normaliseCode(typed)}`);

/** Replaces the account's codes with a fresh set and returns them; the caller shows them once. */
export async function replaceRecoveryCodes(tx: DbOrTx, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newCode);
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx.insert(recoveryCodes).values(codes.map((c) => ({ userId, codeHash: hashCode(c) })));
  return codes;
}

/** Marks a matching unused code as used; false when none matches. Racing requests cannot both use one code. */
export async function consumeRecoveryCode(tx: DbOrTx, userId: string, typed: string): Promise<boolean> {
  const [row] = await tx
    .update(recoveryCodes)
    .set({ usedAt: new Date() })
    .where(
      and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, hashCode(typed)), isNull(recoveryCodes.usedAt)),
    )
    .returning({ id: recoveryCodes.id });
  return !!row;
}

export async function recoveryCodeStatus(db: DbOrTx, userId: string) {
  const [all] = await db
    .select({ createdAt: min(recoveryCodes.createdAt) })
    .from(recoveryCodes)
    .where(eq(recoveryCodes.userId, userId));
  const [left] = await db
    .select({ n: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return { remaining: left?.n ?? 0, createdAt: all?.createdAt ? new Date(all.createdAt).toISOString() : null };
}

export async function deleteRecoveryCodes(tx: DbOrTx, userId: string): Promise<void> {
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}
