import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { randomToken, sha256Hex } from '../../lib/crypto.js';
import { runWrite } from '../../services/write.js';
import { calendarTokens } from './schema.js';

type Ctx = Pick<AppContext, 'db' | 'hub'>;

async function auditToken(w: Parameters<Parameters<typeof runWrite>[2]>[0], action: string, userId: string) {
  // The token itself never enters the audit log, not even as a digest of the hash.
  await w.audit({
    action: `calendar.token.${action}`,
    resourceType: 'calendar_token',
    resourceId: userId,
    groupId: null,
    sideId: null,
    marking: 'shared',
  });
}

/** Creates or replaces the user's feed token; the old address stops working at once. Returns the secret once. */
export async function rotateCalendarToken(ctx: Ctx, userId: string): Promise<{ token: string; createdAt: Date }> {
  const token = randomToken();
  const createdAt = new Date();
  await runWrite(ctx, userId, async (w) => {
    await w.tx
      .insert(calendarTokens)
      .values({ userId, tokenHash: sha256Hex(token), createdAt })
      .onConflictDoUpdate({ target: calendarTokens.userId, set: { tokenHash: sha256Hex(token), createdAt } });
    await auditToken(w, 'rotate', userId);
  });
  return { token, createdAt };
}

export async function revokeCalendarToken(ctx: Ctx, userId: string): Promise<boolean> {
  return runWrite(ctx, userId, async (w) => {
    const gone = await w.tx.delete(calendarTokens).where(eq(calendarTokens.userId, userId)).returning();
    await auditToken(w, 'revoke', userId);
    return gone.length > 0;
  });
}

export async function userIdForCalendarToken(db: DbOrTx, token: string): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: calendarTokens.userId })
    .from(calendarTokens)
    .where(eq(calendarTokens.tokenHash, sha256Hex(token)));
  return row?.userId;
}
