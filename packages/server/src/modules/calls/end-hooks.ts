import type { AppContext } from '../../context.js';
import type { JoinedWrite } from '../../services/write.js';
import type { MeetingFacts } from '../meetings/index.js';

/** What runs inside the transaction that records a call's end, so a module's closing write commits with it. */
export type CallEndHook = (
  ctx: JoinedWrite & Pick<AppContext, 'config'>,
  end: { facts: MeetingFacts; callId: string; at: Date; endedBy: string | null },
) => Promise<void>;

const hooks = new WeakMap<object, CallEndHook[]>();

/** Registers a hook for the calls of this app (keyed by its realtime hub, which nested write contexts keep). */
export function onCallEnd(ctx: Pick<AppContext, 'hub'>, hook: CallEndHook): void {
  const list = hooks.get(ctx.hub) ?? [];
  list.push(hook);
  hooks.set(ctx.hub, list);
}

export function callEndHooks(ctx: Pick<AppContext, 'hub'>): readonly CallEndHook[] {
  return hooks.get(ctx.hub) ?? [];
}
