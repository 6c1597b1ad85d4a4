// The phases of one device's membership in one MLS group and the events that move it between them, as a table
// that MlsGroupClient consults on every change (docs/call-keys.md §4). A pair missing from the table is a bug in
// the client: it is reported (IllegalTransitionError, the group then fails), never silently taken.

export type GroupPhase =
  /** Registering the device, finding or creating the group of the context. */
  | 'starting'
  /** Waiting to be added (a present member adds us and sends a Welcome), or for the external-join wait. */
  | 'waiting-for-welcome'
  /** In the group; the owner holds the current epoch's keys. */
  | 'ready'
  /** Left, removed or closed. */
  | 'ended'
  /** Cannot go on securely (see the client's `error`). */
  | 'failed';

export type GroupEvent =
  /** This device created the context's group, or started a long-lived thread anew (§9). */
  | 'created'
  /** A reload found this device still a member and its stored session usable (§8.3). */
  | 'restored'
  /** Joined from a Welcome (§5.3, §8.1). */
  | 'welcomed'
  /** Committed itself in from a published GroupInfo (§9). */
  | 'joined-externally'
  /** Not a member (or its state is lost): wait for a member's Add (§5.2). */
  | 'awaits-welcome'
  /** The group removed and re-added this device by commits it cannot read: start over from the new Welcome (§8.2). */
  | 'replaced'
  /** A chair started the thread anew: look the context up again (§9). */
  | 'restarted'
  /** A commit removed this device (§6). */
  | 'removed'
  /** The device left on its own (§6.1). */
  | 'left'
  /** An error that is not passing (§10). */
  | 'failed';

const ALL: readonly GroupPhase[] = ['starting', 'waiting-for-welcome', 'ready', 'ended', 'failed'];

/**
 * phase × event → next phase. What can happen in each phase, from the code paths of MlsGroupClient:
 * - a Welcome can arrive whenever this device holds no active session, including after a removal (a call's member
 *   re-adds a device still in its roster) or after a failure that lost the session;
 * - a client whose phase is `failed` may still hold an active session (an unreadable commit), so it keeps
 *   catching up: it can be replaced, removed or see the thread restarted;
 * - leaving is possible in every phase (a page closing while it waits), and is idempotent.
 */
export const TRANSITIONS: Readonly<Record<GroupPhase, Partial<Record<GroupEvent, GroupPhase>>>> = {
  starting: {
    created: 'ready',
    restored: 'ready',
    welcomed: 'ready',
    'awaits-welcome': 'waiting-for-welcome',
    left: 'ended',
    failed: 'failed',
  },
  'waiting-for-welcome': {
    created: 'ready',
    welcomed: 'ready',
    'joined-externally': 'ready',
    restarted: 'starting',
    left: 'ended',
    failed: 'failed',
  },
  ready: {
    replaced: 'waiting-for-welcome',
    restarted: 'starting',
    removed: 'ended',
    left: 'ended',
    failed: 'failed',
  },
  ended: {
    welcomed: 'ready',
    left: 'ended',
    failed: 'failed',
  },
  failed: {
    created: 'ready',
    welcomed: 'ready',
    replaced: 'waiting-for-welcome',
    restarted: 'starting',
    removed: 'ended',
    left: 'ended',
    failed: 'failed',
  },
};

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: GroupPhase,
    readonly event: GroupEvent,
  ) {
    super(`MLS group client bug: event "${event}" is not allowed in phase "${from}"`);
    this.name = 'IllegalTransitionError';
  }
}

/** The phase after `event`; throws IllegalTransitionError when the table has no such transition. */
export function nextPhase(from: GroupPhase, event: GroupEvent): GroupPhase {
  const to = TRANSITIONS[from][event];
  if (to === undefined) throw new IllegalTransitionError(from, event);
  return to;
}

export const GROUP_PHASES = ALL;
