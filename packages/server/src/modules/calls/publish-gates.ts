import type { CallStream } from '@parley/protocol';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/client.js';

/** Whether the person may publish that stream in the meeting's plenary call (another module's rule). */
export type PublishGate = (db: DbOrTx, meetingId: string, userId: string) => Promise<boolean>;

const gates = new WeakMap<object, Map<CallStream, PublishGate>>();

/**
 * Registers the rule for one stream of the calls of this app (keyed by its realtime hub): the interpretation
 * module lets only assigned interpreters publish `interp`. A stream without a gate is open to every participant.
 */
export function gatePublish(ctx: Pick<AppContext, 'hub'>, stream: CallStream, gate: PublishGate): void {
  const map = gates.get(ctx.hub) ?? new Map<CallStream, PublishGate>();
  map.set(stream, gate);
  gates.set(ctx.hub, map);
}

export async function mayPublish(
  ctx: Pick<AppContext, 'hub' | 'db'>,
  stream: CallStream,
  meetingId: string,
  userId: string,
): Promise<boolean> {
  const gate = gates.get(ctx.hub)?.get(stream);
  return gate ? gate(ctx.db, meetingId, userId) : true;
}
