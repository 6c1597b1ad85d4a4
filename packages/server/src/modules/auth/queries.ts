import type { User } from '@parley/protocol';
import { and, eq, gt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { passkeys, sessions, users } from './schema.js';

export type UserRow = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  return u;
}

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | undefined> {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  return u;
}

/** Display names for other modules (roster, audit view) without exposing the auth tables to them. */
export async function userNames(
  db: DbOrTx,
  ids: readonly string[],
): Promise<Map<string, { displayName: string; email: string }>> {
  const out = new Map<string, { displayName: string; email: string }>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({ id: users.id, displayName: users.displayName, email: users.email })
    .from(users)
    .where(sql`${users.id} in ${[...new Set(ids)]}`);
  for (const r of rows) out.set(r.id, { displayName: r.displayName, email: r.email });
  return out;
}

export async function toUserDto(db: DbOrTx, u: UserRow): Promise<User> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(passkeys).where(eq(passkeys.userId, u.id));
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    isAdmin: u.isAdmin,
    totpEnabled: u.totpEnabled,
    passkeyCount: row?.n ?? 0,
    disabled: u.disabledAt !== null,
    theme: u.theme,
    language: u.language,
  };
}

export async function findLiveSession(db: DbOrTx, tokenHash: string): Promise<SessionRow | undefined> {
  const [s] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tokenHash, tokenHash), gt(sessions.expiresAt, new Date())));
  return s;
}
