// Who adds newcomers to the call's MLS group, and when. Pure, so the rule can be tested without a server.
import type { RosterEntry } from './types.js';

export interface PlanMember {
  leafIndex: number;
  userId: string;
  deviceId: string;
}

/** Roster participants whose device is not in the group (without a device named: no device of theirs is). */
export function missingFrom(
  roster: readonly RosterEntry[],
  members: readonly Pick<PlanMember, 'userId' | 'deviceId'>[],
): RosterEntry[] {
  const inGroup = new Set(members.map((m) => m.deviceId));
  return roster.filter((p) => (p.deviceId ? !inGroup.has(p.deviceId) : !members.some((m) => m.userId === p.userId)));
}

/**
 * Roster participants whose device is not in the group yet (`missing`), and those this device should add now
 * (`due`): the lowest-leaf member present in the call acts at once, the member of rank r after r × fallbackMs,
 * in case the ones before it are gone. `missingSince` (participantId → first time seen missing) is updated.
 */
export function planAdds(input: {
  roster: readonly RosterEntry[];
  members: readonly PlanMember[];
  ownLeaf: number;
  now: number;
  fallbackMs: number;
  missingSince: Map<string, number>;
}): { missing: RosterEntry[]; due: RosterEntry[] } {
  const { roster, members, ownLeaf, now, fallbackMs, missingSince } = input;
  const missing = missingFrom(roster, members);
  for (const key of [...missingSince.keys()]) {
    if (!missing.some((p) => p.participantId === key)) missingSince.delete(key);
  }
  const present = new Set(roster.map((p) => p.deviceId));
  const actors = members
    .filter((m) => present.has(m.deviceId) || m.leafIndex === ownLeaf)
    .sort((a, b) => a.leafIndex - b.leafIndex);
  const rank = Math.max(
    0,
    actors.findIndex((m) => m.leafIndex === ownLeaf),
  );
  const due = missing.filter((p) => {
    const since = missingSince.get(p.participantId) ?? now;
    missingSince.set(p.participantId, since);
    return now - since >= rank * fallbackMs;
  });
  return { missing, due };
}

/**
 * Roster entries whose device left the group while they were listed. The Remove of a departure can come before the
 * roster that drops its participant (the Delivery Service nominates at once, the call's roster follows), and adding
 * them back from that stale roster would make a member of a page that has gone. Someone who comes back is a new
 * participant (a new participantId) and is not held; an entry is held for `holdMs` only, so a device that lost its
 * state and left to be added afresh under the same entry (a reload within the call's grace period) is added soon.
 */
export class DepartureHold {
  readonly #since = new Map<string, number>();
  #devices = new Set<string>();

  constructor(readonly holdMs: number) {}

  /** After an epoch change: entries of `roster` whose device was a member at the last call and is not now. */
  noteMembers(deviceIds: Iterable<string>, roster: readonly RosterEntry[], now: number): void {
    const current = new Set(deviceIds);
    for (const entry of roster)
      if (entry.deviceId && this.#devices.has(entry.deviceId) && !current.has(entry.deviceId))
        this.#since.set(entry.participantId, now);
    this.#devices = current;
  }

  /** A new roster: entries no longer in it need no holding. */
  forgetGone(roster: readonly RosterEntry[]): void {
    const listed = new Set(roster.map((r) => r.participantId));
    for (const id of [...this.#since.keys()]) if (!listed.has(id)) this.#since.delete(id);
  }

  held(entry: RosterEntry, now: number): boolean {
    const since = this.#since.get(entry.participantId);
    return since !== undefined && now - since < this.holdMs;
  }
}
