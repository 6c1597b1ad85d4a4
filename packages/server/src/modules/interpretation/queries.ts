import type { InterpretationState } from '@parley/protocol';
import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { interpretations, interpreters } from './schema.js';

export type InterpreterRow = typeof interpreters.$inferSelect;

export function interpretersOf(db: DbOrTx, meetingId: string): Promise<InterpreterRow[]> {
  return db
    .select()
    .from(interpreters)
    .where(eq(interpreters.meetingId, meetingId))
    .orderBy(asc(interpreters.toLanguage));
}

/** Whether the person is an assigned interpreter of the meeting: only they may publish an interpretation stream. */
export async function interpretsIn(db: DbOrTx, meetingId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: interpreters.id })
    .from(interpreters)
    .where(and(eq(interpreters.meetingId, meetingId), eq(interpreters.userId, userId)));
  return row !== undefined;
}

/** The channels on offer, as everyone who takes part in the call sees them. */
export async function interpretationState(db: DbOrTx, meetingId: string): Promise<InterpretationState> {
  const [[head], rows] = await Promise.all([
    db.select().from(interpretations).where(eq(interpretations.meetingId, meetingId)),
    interpretersOf(db, meetingId),
  ]);
  return {
    meetingId,
    version: head?.version ?? 0,
    interpreters: rows.map((r) => ({
      userId: r.userId,
      displayName: r.displayName,
      sideId: r.sideId,
      from: r.fromLanguage,
      to: r.toLanguage,
      assignedAt: r.assignedAt.toISOString(),
    })),
  };
}
