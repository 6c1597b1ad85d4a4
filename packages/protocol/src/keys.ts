import { z } from 'zod';
import { Id, singleLine, Timestamp } from './common.js';

/**
 * Device keys and the MLS Delivery Service. The server only ever sees public keys and MLS ciphertext
 * (KeyPackages, Commits, Welcomes, application messages), carried as standard base64.
 */

const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4)
    .regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/, 'must be standard base64')
    .refine((s) => s.length > 0, 'must not be empty');

export const PublicKeyB64 = base64(256);
export const CredentialB64 = base64(4 * 1024);
export const KeyPackageB64 = base64(64 * 1024);
export const HandshakeB64 = base64(192 * 1024);
export const ApplicationB64 = base64(64 * 1024);

/** Client-chosen (a UUID), fixed before the MLS credential naming user + device is made. */
export const DeviceId = Id;

export const MLS_CIPHER_SUITES = [
  'MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519',
  'MLS_256_XWING_AES256GCM_SHA512_Ed25519',
] as const;
export const MlsCipherSuite = z.enum(MLS_CIPHER_SUITES);
export type MlsCipherSuite = z.infer<typeof MlsCipherSuite>;

export const RegisterDeviceBody = z.strictObject({
  deviceId: DeviceId,
  /** Ed25519 signature public key, the one inside the MLS credential / leaf nodes. */
  signaturePublicKey: PublicKeyB64,
  /** The MLS BasicCredential identity: UTF-8 of `${userId}:${deviceId}` (see @parley/e2ee encodeCredentialIdentity). */
  credential: CredentialB64,
  label: singleLine(z.string().trim().min(1).max(80)).default('Device'),
});

export const Device = z.object({
  deviceId: DeviceId,
  userId: Id,
  label: z.string(),
  signaturePublicKey: z.string(),
  credential: z.string(),
  status: z.enum(['active', 'revoked']),
  createdAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  /** Unclaimed one-time key packages (not counting the last-resort one). */
  keyPackages: z.number().int(),
  hasLastResort: z.boolean(),
});
export type Device = z.infer<typeof Device>;
export const DeviceList = z.object({ devices: z.array(Device) });
export const DeviceParams = z.strictObject({ deviceId: DeviceId });

export const UploadKeyPackagesBody = z.strictObject({
  keyPackages: z.array(KeyPackageB64).max(100).default([]),
  /** Handed out when the one-time packages run out; replaced by a newer upload, never consumed. */
  lastResort: KeyPackageB64.optional(),
});
export const KeyPackageStock = z.object({ keyPackages: z.number().int(), hasLastResort: z.boolean() });

/** One entry of a user's append-only device-key chain. */
export const DeviceLogEntry = z.object({
  userId: Id,
  seq: z.number().int().min(1),
  deviceId: DeviceId,
  action: z.enum(['add', 'revoke']),
  signaturePublicKey: z.string(),
  /** SHA-256 (hex) of the credential bytes. */
  credentialDigest: z.string(),
  at: Timestamp,
  prevHash: z.string(),
  hash: z.string(),
});
export type DeviceLogEntry = z.infer<typeof DeviceLogEntry>;
export const DeviceLogQuery = z.strictObject({
  userIds: z
    .string()
    .max(37 * 200)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(Id).min(1).max(200)),
});
export const DeviceLog = z.object({ chains: z.array(z.object({ userId: Id, entries: z.array(DeviceLogEntry) })) });
export type DeviceLog = z.infer<typeof DeviceLog>;

export const DEVICE_LOG_GENESIS = '0'.repeat(64);

/** The hashed body: every field but the hash. Flat strings and integers, so canonical JSON is sorted keys. */
export function deviceLogBody(e: Omit<DeviceLogEntry, 'hash'>): string {
  const body: Record<string, string | number> = {
    action: e.action,
    at: e.at,
    credentialDigest: e.credentialDigest,
    deviceId: e.deviceId,
    prevHash: e.prevHash,
    seq: e.seq,
    signaturePublicKey: e.signaturePublicKey,
    userId: e.userId,
  };
  return `{${Object.keys(body)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(body[k])}`)
    .join(',')}}`;
}

const hex = (b: ArrayBuffer) => [...new Uint8Array(b)].map((x) => x.toString(16).padStart(2, '0')).join('');

/**
 * Client-side check of one user's chain: consecutive seq from 1, each prevHash is the previous hash,
 * hash = SHA-256(prevHash ‖ canonical JSON), a device is added once and revoked at most once.
 * Returns the keys currently trusted per device, or the reason the chain does not hold.
 */
export async function verifyDeviceChain(
  userId: string,
  entries: readonly DeviceLogEntry[],
): Promise<{ ok: true; head: string; active: Map<string, string> } | { ok: false; reason: string }> {
  let prev = DEVICE_LOG_GENESIS;
  const active = new Map<string, string>();
  const seen = new Set<string>();
  for (const [i, e] of entries.entries()) {
    if (e.userId !== userId) return { ok: false, reason: `entry ${e.seq} belongs to another user` };
    if (e.seq !== i + 1) return { ok: false, reason: `entry ${i + 1} is missing` };
    if (e.prevHash !== prev) return { ok: false, reason: `entry ${e.seq} does not link to the previous one` };
    const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(prev + deviceLogBody(e)));
    if (hex(digest) !== e.hash) return { ok: false, reason: `entry ${e.seq} hash does not match` };
    if (e.action === 'add') {
      if (seen.has(e.deviceId)) return { ok: false, reason: `device ${e.deviceId} added twice` };
      seen.add(e.deviceId);
      active.set(e.deviceId, e.signaturePublicKey);
    } else {
      if (active.get(e.deviceId) !== e.signaturePublicKey)
        return { ok: false, reason: `entry ${e.seq} revokes a key that is not active` };
      active.delete(e.deviceId);
    }
    prev = e.hash;
  }
  return { ok: true, head: prev, active };
}

/**
 * Which Parley context an MLS group keys: a call of a meeting, one side's caucus, the back channel between
 * the chairs of two sides, or a whole group.
 */
export const MlsContext = z.union([
  z.templateLiteral(['call:', z.uuid()]),
  z.templateLiteral(['caucus-call:', z.uuid(), ':', z.uuid()]),
  z.templateLiteral(['caucus:', z.uuid(), ':', z.uuid()]),
  z.templateLiteral(['backchannel:', z.uuid(), ':', z.uuid(), ':', z.uuid()]),
  z.templateLiteral(['group:', z.uuid()]),
]);
export type MlsContext = z.infer<typeof MlsContext>;

export const CreateMlsGroupBody = z.strictObject({
  context: MlsContext,
  /** The creator's device, leaf 0 of the group it has created locally at epoch 0. */
  deviceId: DeviceId,
  cipherSuite: MlsCipherSuite.default('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
});
export const MlsGroupQuery = z.strictObject({ context: MlsContext });
export const MlsGroupParams = z.strictObject({ mlsGroupId: Id });

export const MlsMember = z.object({
  deviceId: DeviceId,
  userId: Id,
  leafIndex: z.number().int().min(0),
  status: z.enum(['active', 'leaving']),
});
export const MlsGroup = z.object({
  id: Id,
  context: z.string(),
  cipherSuite: MlsCipherSuite,
  epoch: z.number().int(),
  lastSeq: z.number().int(),
  members: z.array(MlsMember),
  /** Device asked to commit the pending removals, if any. */
  nominee: z.object({ deviceId: DeviceId, epoch: z.number().int() }).nullable(),
  /** Epoch of the GroupInfo published for external joins (RFC 9420 §12.4.3.2); null when none was. */
  groupInfoEpoch: z.number().int().nullable(),
  /** Set when a chair started the thread anew over an earlier group whose devices were all gone. */
  reestablished: z.object({ byUserId: Id, at: Timestamp, previousMlsGroupId: Id }).nullable(),
  createdAt: Timestamp,
});
export type MlsGroup = z.infer<typeof MlsGroup>;

export const ClaimKeyPackagesBody = z.strictObject({
  deviceId: DeviceId,
  userId: Id,
  /**
   * Only these devices of the person (e.g. the one in the call): the others' one-time packages are left for when
   * they are added. Every active device not yet a member when absent.
   */
  devices: z.array(DeviceId).min(1).max(20).optional(),
});
export const ClaimedKeyPackages = z.object({
  keyPackages: z.array(
    z.object({
      userId: Id,
      deviceId: DeviceId,
      keyPackage: z.string(),
      lastResort: z.boolean(),
      signaturePublicKey: z.string(),
    }),
  ),
});

export const CommitBody = z.strictObject({
  /** The committing member device. */
  deviceId: DeviceId,
  /** The epoch the commit was made in (the group's current epoch); the group moves to epoch + 1. */
  epoch: z.number().int().min(0),
  commit: HandshakeB64,
  welcomes: z
    .array(z.strictObject({ deviceId: DeviceId, welcome: HandshakeB64 }))
    .max(100)
    .default([]),
  addedDevices: z
    .array(z.strictObject({ deviceId: DeviceId, leafIndex: z.number().int().min(0).max(1_000_000) }))
    .max(100)
    .default([]),
  removedDevices: z.array(DeviceId).max(100).default([]),
});
/** A member publishes the signed GroupInfo (with external_pub and the ratchet tree) of the group's current epoch. */
export const PublishGroupInfoBody = z.strictObject({
  deviceId: DeviceId,
  epoch: z.number().int().min(0),
  groupInfo: HandshakeB64,
});
export const PublishedGroupInfo = z.object({
  epoch: z.number().int(),
  groupInfo: z.string(),
  publishedAt: Timestamp,
});
export type PublishedGroupInfo = z.infer<typeof PublishedGroupInfo>;

/** A device that no member has added commits itself in (RFC 9420 §12.4.3.2); the server checks the new leaf. */
export const ExternalCommitBody = z.strictObject({
  /** The joining device: the caller's, registered in the device-key log, not a member yet. */
  deviceId: DeviceId,
  /** The epoch of the GroupInfo the commit was made from (the group's current epoch). */
  epoch: z.number().int().min(0),
  commit: HandshakeB64,
  /** The leaf the joiner took (the leftmost blank one of the tree it joined). */
  leafIndex: z.number().int().min(0).max(1_000_000),
});

/** A chair starts a thread anew when no usable GroupInfo exists; the earlier group stays stored, unreadable. */
export const ReestablishBody = z.strictObject({
  deviceId: DeviceId,
  cipherSuite: MlsCipherSuite.default('MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519'),
});

export const CommitAccepted = z.object({ seq: z.number().int(), epoch: z.number().int() });
/** `currentState` of the 409 a losing committer gets: fetch and process from `lastSeq`, then retry. */
export const CommitConflictState = z.object({ epoch: z.number().int(), lastSeq: z.number().int() });

export const SendMlsMessageBody = z.strictObject({
  deviceId: DeviceId,
  epoch: z.number().int().min(0),
  message: ApplicationB64,
});
export const MlsMessageQuery = z.strictObject({
  deviceId: DeviceId,
  afterSeq: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export const MlsMessage = z.object({
  seq: z.number().int(),
  /** For a commit the epoch it was made in; for an application message the epoch it was encrypted in. */
  epoch: z.number().int(),
  kind: z.enum(['commit', 'application']),
  senderDeviceId: DeviceId,
  message: z.string(),
  createdAt: Timestamp,
});
export type MlsMessage = z.infer<typeof MlsMessage>;
export const MlsMessageList = z.object({
  messages: z.array(MlsMessage),
  /**
   * Seq at which the reading device's current membership began (its Welcome's, 0 for the group's creator). A device
   * reading from before it holds the state of an earlier membership: it was removed and added again by commits it
   * may not read, and must join from its new Welcome.
   */
  joinedSeq: z.number().int(),
});
export const MlsSent = z.object({ seq: z.number().int() });

export const WelcomeQuery = z.strictObject({ deviceId: DeviceId });
export const MlsWelcome = z.object({
  mlsGroupId: Id,
  context: z.string(),
  deviceId: DeviceId,
  /** Seq of the commit that added the device; read messages after it. */
  seq: z.number().int(),
  epoch: z.number().int(),
  welcome: z.string(),
});
export const MlsWelcomeList = z.object({ welcomes: z.array(MlsWelcome) });

export const LeaveBody = z.strictObject({ deviceId: DeviceId });
export const RemoveMemberBody = z.strictObject({ userId: Id });
export const PendingRemovals = z.object({
  removing: z.array(DeviceId),
  nominee: z.object({ deviceId: DeviceId, epoch: z.number().int() }).nullable(),
});

/**
 * `data` of the realtime events on topic `mls:<mlsGroupId>` (and, for Welcomes, `user:<userId>`); the events
 * themselves are in events.ts:
 * - `mls.message`: a commit or application message; `message` is left out when large — fetch by seq.
 * - `mls.commit-requested`: the named device is asked to commit the removal of `remove` now.
 * - `mls.welcome` (user topic): a Welcome for one of the user's devices; `welcome` is left out when large.
 * - `mls.reestablished`: a chair started the thread anew as group `next`; this one is retired.
 */
export const MlsMessageEvent = MlsMessage.extend({ mlsGroupId: Id, message: z.string().optional() });
export const MlsCommitRequestedEvent = z.object({
  mlsGroupId: Id,
  deviceId: DeviceId,
  epoch: z.number().int(),
  remove: z.array(z.object({ deviceId: DeviceId, leafIndex: z.number().int() })),
});
export const MlsWelcomeEvent = MlsWelcome.extend({ welcome: z.string().optional() });
export const MlsReestablishedEvent = z.object({ mlsGroupId: Id, next: Id, byUserId: Id, at: Timestamp });
