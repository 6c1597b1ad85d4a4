// Pure assembly of what the UI shows: member devices with fingerprints and warnings, and how each participant's
// media stands on this device. Also the participant → MLS leaf binding the worker enforces.
import type { KeyWarning } from './trust.js';
import type { CallE2eeView, CallMember, E2eePhase, KeyStatus, ParticipantKeys, RosterEntry } from './types.js';
import type { WorkerStats } from './worker-protocol.js';

/** Consecutive refused frames after which a participant's media counts as failing (not a blip at a key change). */
export const FAILING_AFTER_FRAMES = 60;

export interface MemberFacts {
  leafIndex: number;
  userId: string;
  deviceId: string;
  fingerprint: string;
  verified: boolean;
  warning: KeyWarning;
}

/** The MLS members that carry `entry`'s media: its own device, or (roster without a device id) the user's devices. */
export function devicesOf<M extends { userId: string; deviceId: string }>(
  entry: RosterEntry,
  members: readonly M[],
): M[] {
  return members.filter((m) => (entry.deviceId ? m.deviceId === entry.deviceId : m.userId === entry.userId));
}

/** participantId → the leaves whose frames that participant's streams may carry. */
export function participantLeaves(
  roster: readonly RosterEntry[],
  members: readonly { userId: string; deviceId: string; leafIndex: number }[],
): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const entry of roster) out[entry.participantId] = devicesOf(entry, members).map((m) => m.leafIndex);
  return out;
}

export interface StateInput {
  phase: E2eePhase;
  epoch: bigint | null;
  safetyCode: string | null;
  deviceId: string | null;
  roster: readonly RosterEntry[];
  members: readonly MemberFacts[];
  stats: WorkerStats;
  error: string | null;
}

export function buildState(input: StateInput): CallE2eeView {
  const { roster, members, stats } = input;
  const participantOfDevice = new Map<string, RosterEntry>();
  for (const entry of roster) {
    for (const m of devicesOf(entry, members)) participantOfDevice.set(m.deviceId, entry);
  }
  const memberDevices: CallMember[] = members.map((m) => {
    const entry = participantOfDevice.get(m.deviceId);
    const isMe = m.deviceId === input.deviceId;
    const name = entry?.displayName ?? roster.find((p) => p.userId === m.userId)?.displayName ?? 'Former participant';
    return {
      ...m,
      isMe,
      participantId: entry?.participantId ?? null,
      displayName: isMe ? `${name} (this browser)` : name,
      trust: isMe ? 'known' : m.warning === 'changed' || !m.verified ? 'changed' : (m.warning ?? 'known'),
    };
  });
  const keys: Record<string, KeyStatus> = {};
  const participants: ParticipantKeys[] = roster
    .filter((entry) => entry.deviceId !== input.deviceId)
    .map((entry) => {
      const devices = devicesOf(entry, members);
      const received = stats.receivers[entry.participantId];
      let status: KeyStatus = 'ok';
      if (input.phase !== 'ready' || devices.length === 0) status = 'waiting';
      else if (devices.some((d) => !d.verified)) status = 'unknown-device-key';
      else if ((received?.failingSince ?? 0) >= FAILING_AFTER_FRAMES) status = 'failing';
      keys[entry.participantId] = status;
      return {
        participantId: entry.participantId,
        userId: entry.userId,
        displayName: entry.displayName,
        deviceId: entry.deviceId,
        status,
        framesDecrypted: received?.decrypted ?? 0,
        framesFailed: received?.failed ?? 0,
        mediaEpoch: received?.lastEpoch ?? null,
      };
    });
  return {
    phase: input.phase,
    epoch: input.epoch === null ? null : Number(input.epoch),
    safetyCode: input.safetyCode,
    deviceId: input.deviceId,
    members: memberDevices,
    participants,
    keys,
    keyWarning: memberDevices.some((m) => !m.isMe && (m.warning !== null || !m.verified)),
    framesEncrypted: stats.encrypted,
    framesDroppedNoKey: stats.droppedNoKey,
    chatHistoryStartsAtJoin: true,
    error: input.error,
  };
}

/** "waiting for keys from Amara Quist" and friends: one line per participant for tiles and tooltips. */
export function describeKeyStatus(p: Pick<ParticipantKeys, 'status' | 'displayName'>): string {
  switch (p.status) {
    case 'ok':
      return 'end-to-end encrypted';
    case 'waiting':
      return `waiting for keys from ${p.displayName}`;
    case 'unknown-device-key':
      return `unknown device key for ${p.displayName}`;
    case 'failing':
      return `media from ${p.displayName} does not decrypt`;
    case 'unsupported':
      return `this browser cannot decrypt media from ${p.displayName}`;
  }
}

/** Counted with every frame and shown nowhere on screen (tests and diagnostics read them from the view). */
const FRAME_COUNTERS = new Set(['framesEncrypted', 'framesDroppedNoKey', 'framesDecrypted', 'framesFailed']);

/**
 * What of a view is on screen, as one string: equal for two views that differ only in frame counts. The worker
 * reports its counts twice a second while media flows; a new view for each would re-render the whole call room for
 * nothing the person sees.
 */
export function onScreen(view: CallE2eeView): string {
  return JSON.stringify(view, (k, v) => (FRAME_COUNTERS.has(k) ? undefined : v));
}
