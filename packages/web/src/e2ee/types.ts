import type { CallParticipant } from '@parley/protocol';

export interface E2eeMe {
  userId: string;
  /** Label of this browser's device in the device list (set on first registration only). */
  deviceLabel?: string;
}

/**
 * How the media of one other participant stands on this device, shown on their tile:
 * - `waiting`: no keys shared with them yet ("Waiting for keys from <name>…");
 * - `unknown-device-key`: their device is not (or differently) in the device-key log, or unnamed: never trusted;
 * - `failing`: keys are in place but their frames do not decrypt (wrong keys, tampering, or an SFU swap);
 * - `unsupported`: this browser cannot decrypt their media;
 * - `ok`: keys in place and nothing failing.
 */
export type KeyStatus = 'ok' | 'waiting' | 'unknown-device-key' | 'failing' | 'unsupported';

export interface ParticipantKeys {
  participantId: string;
  userId: string;
  displayName: string;
  deviceId: string | null;
  status: KeyStatus;
  /** Frames of theirs this device decrypted / refused so far (counted in the worker). */
  framesDecrypted: number;
  framesFailed: number;
  /** MLS epoch of the key their latest decrypted frame used. */
  mediaEpoch: number | null;
}

/** One device in the call's MLS group, for the "verify devices" panel. */
export interface MemberDevice {
  leafIndex: number;
  userId: string;
  deviceId: string;
  /** SHA-256 of the device's signature key, 16 groups of 4 hex digits, for reading aloud. */
  fingerprint: string;
  /** The key matches the device's active key in the verified, hash-chained device-key log. */
  verified: boolean;
  /**
   * `new`: this browser has never seen this device's key before (compare the fingerprint out of band);
   * `changed`: the user's device-key log no longer extends what this browser saw before, or the device's key
   * differs from the one remembered: treat as an alarm. null: seen before, unchanged.
   */
  warning: 'new' | 'changed' | null;
  isMe: boolean;
  participantId: string | null;
}

/** A member device as the call's verify list shows it. */
export interface CallMember extends MemberDevice {
  /** Its participant's name in the call ("(this browser)" added for ours), or "Former participant". */
  displayName: string;
  /** `known` (ours, or verified and seen before), `new`, or `changed` (unverified counts as changed). */
  trust: 'known' | 'new' | 'changed';
}

export type E2eePhase =
  /** Registering the device, finding or creating the call's MLS group. */
  | 'starting'
  /** Waiting to be added (a present member adds us and sends a Welcome). */
  | 'waiting-for-welcome'
  /** In the group; keys of the current epoch are in the worker. */
  | 'ready'
  /** Left, removed or closed. */
  | 'ended'
  /** Cannot go on securely (see `error`); media and chat stay blocked. */
  | 'failed';

/** The call's end-to-end encryption as the call room shows it: the one view of `CallE2ee`. */
export interface CallE2eeView {
  phase: E2eePhase;
  /** MLS epoch (a new one after every join, leave or key update). */
  epoch: number | null;
  /** Read aloud and compare: equal for everyone in the same epoch, new every epoch. */
  safetyCode: string | null;
  deviceId: string | null;
  members: CallMember[];
  participants: ParticipantKeys[];
  /** participantId → its status (the same facts as `participants`, keyed for the tiles). */
  keys: Record<string, KeyStatus>;
  /** Some member's key is new to this browser or changed: show the fingerprints and ask to compare. */
  keyWarning: boolean;
  /** Frames this device encrypted / dropped because no key was ready (never sent in clear). */
  framesEncrypted: number;
  framesDroppedNoKey: number;
  /**
   * In-call chat history starts when this device joined the call's group: earlier messages exist only as
   * ciphertext the device has no keys for. The UI says so ("messages sent before you joined cannot be read").
   */
  chatHistoryStartsAtJoin: true;
  error: string | null;
}

export interface ChatMessage {
  /** Delivery Service sequence number: stable id and order. */
  seq: number;
  userId: string;
  deviceId: string;
  participantId: string | null;
  displayName: string;
  text: string;
  /** Server time the ciphertext arrived (ISO 8601). */
  at: string;
  mine: boolean;
}

export type RosterEntry = Pick<
  CallParticipant,
  'participantId' | 'userId' | 'deviceId' | 'displayName' | 'keyPackage' | 'deviceLog'
>;
