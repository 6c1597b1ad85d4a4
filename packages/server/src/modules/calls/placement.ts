import { and, count, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { calls } from './schema.js';

/** Where a call's media room is: a Janus node of the pool and a room on it. */
export interface Placement {
  node: string | null;
  room: number;
}

/** Running calls and caucuses per Janus node, across every Parley node (what "least loaded" compares). */
export async function callLoad(db: DbOrTx): Promise<Map<string, number>> {
  const rows = await db
    .select({ node: calls.janusNode, n: count() })
    .from(calls)
    .where(isNull(calls.endedAt))
    .groupBy(calls.janusNode);
  return new Map(rows.flatMap((r) => (r.node === null ? [] : [[r.node, Number(r.n)] as const])));
}

export async function placementOf(db: DbOrTx, callId: string): Promise<Placement | undefined> {
  const [row] = await db
    .select({ node: calls.janusNode, room: calls.roomId })
    .from(calls)
    .where(and(eq(calls.id, callId), isNull(calls.endedAt)));
  return row;
}

/**
 * Moves the call to `to` only if it is still where this node last saw it (`from`): when several Parley nodes notice
 * the same dead Janus at once, exactly one placement wins and the others adopt it. False when another node won.
 */
export async function movePlacement(db: DbOrTx, callId: string, from: Placement, to: Placement): Promise<boolean> {
  const sameNode = from.node === null ? isNull(calls.janusNode) : eq(calls.janusNode, from.node);
  const rows = await db
    .update(calls)
    .set({ janusNode: to.node, roomId: to.room })
    .where(and(eq(calls.id, callId), eq(calls.roomId, from.room), sameNode, isNull(calls.endedAt)))
    .returning({ id: calls.id });
  return rows.length === 1;
}
