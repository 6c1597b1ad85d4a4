// Who adds newcomers to the call's MLS group, and when. Pure, so the rule can be tested without a server.
import type { RosterEntry } from './types.js';

export interface PlanMember {
  leafIndex: number;
  userId: string;
  deviceId: string;
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
  const inGroup = new Set(members.map((m) => m.deviceId));
  const missing = roster.filter((p) =>
    p.deviceId ? !inGroup.has(p.deviceId) : !members.some((m) => m.userId === p.userId),
  );
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
