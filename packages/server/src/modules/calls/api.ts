import type { CallStream } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';
import { loadActorFacts } from '../../policy/actor.js';
import type { MeetingFacts } from '../meetings/index.js';
import { type CallPerson, callStanding } from './access.js';
import { enqueue } from './live.js';
import { callManagerOf } from './runtime.js';
import { activeCall } from './service.js';

/**
 * The small API other modules use to build on a meeting's call (the speakers' list): who may take part, whether a
 * call runs, who waits in its lobby, and a hook that runs when it ends. Nothing outside calls reads its tables.
 */

/** The running call of a meeting (its id and start), if any. */
export async function runningCall(db: DbOrTx, meetingId: string): Promise<{ id: string; startedAt: Date } | null> {
  const row = await activeCall(db, meetingId);
  return row ? { id: row.id, startedAt: row.startedAt } : null;
}

/** Someone else's place in the meeting's call, as the roster would show them; null if they may not take part. */
export async function callPersonOf(db: DbOrTx, facts: MeetingFacts, userId: string): Promise<CallPerson | null> {
  const standing = await callStanding(db, await loadActorFacts(db, userId, false), facts);
  return standing.kind === 'ok' ? standing.person : null;
}

/** Whether the person is waiting in the call's lobby on this node (not yet admitted by their side). */
export function waitsInLobby(ctx: AppContext, meetingId: string, userId: string): boolean {
  return callManagerOf(ctx)?.calls.get(meetingId)?.byUser(userId)?.state === 'lobby';
}

/**
 * Cuts one stream a person publishes in the meeting's plenary call through this node, whatever their browser does:
 * the interpretation module withdraws the channel of an interpreter whose assignment ended (docs/call-keys.md §13).
 * Every node runs it for its own sockets; the gate refuses a later publication. Resolves with how many were cut.
 */
export async function withdrawPublication(
  ctx: AppContext,
  meetingId: string,
  userId: string,
  stream: CallStream,
): Promise<number> {
  const call = callManagerOf(ctx)?.calls.get(meetingId);
  let cut = 0;
  for (const m of call?.members.values() ?? []) {
    const media = m.media;
    if (m.person.userId !== userId || !media) continue;
    // In the stream's own queue, so a publication already under way is cut once it lands, not raced.
    await enqueue(m, stream, () => media.unpublish(stream));
    cut += 1;
  }
  return cut;
}

export { type CallPerson, callStanding, chairsSide, isCallChair } from './access.js';
export { type CallEndHook, onCallEnd } from './end-hooks.js';
