import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Opaque public bytes (keys, credentials, MLS messages); the server stores them, never parses them. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (v) => Buffer.from(v.buffer, v.byteOffset, v.byteLength),
  fromDriver: (v) => new Uint8Array(v),
});

export const devices = pgTable(
  'devices',
  {
    deviceId: uuid('device_id').primaryKey(),
    userId: uuid('user_id').notNull(),
    label: text('label').notNull(),
    signaturePublicKey: bytea('signature_public_key').notNull(),
    credential: bytea('credential').notNull(),
    status: text('status', { enum: ['active', 'revoked'] })
      .notNull()
      .default('active'),
    /** Hash of the log entry that added this key: a device's key exists only through its log entry. */
    addedLogHash: text('added_log_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('devices_user_idx').on(t.userId)],
);

/** Append-only, one hash chain per user (so a filtered fetch is still a verifiable chain). */
export const deviceKeyLog = pgTable(
  'device_key_log',
  {
    userId: uuid('user_id').notNull(),
    seq: integer('seq').notNull(),
    deviceId: uuid('device_id').notNull(),
    action: text('action', { enum: ['add', 'revoke'] }).notNull(),
    signaturePublicKey: text('signature_public_key').notNull(),
    credentialDigest: text('credential_digest').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.seq] }),
    unique('device_key_log_device_action_uq').on(t.deviceId, t.action),
  ],
);

export const keyPackages = pgTable(
  'key_packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.deviceId),
    keyPackage: bytea('key_package').notNull(),
    lastResort: boolean('last_resort').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('key_packages_device_idx').on(t.deviceId, t.lastResort)],
);

export const mlsGroups = pgTable('mls_groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  /** Canonical context string, e.g. `call:<meetingId>`; one MLS group per context. */
  context: text('context').notNull().unique(),
  /** The Parley group the context belongs to (for audit and cleanup). */
  groupId: uuid('group_id').notNull(),
  cipherSuite: text('cipher_suite').notNull(),
  /** Current epoch; a commit made in this epoch is accepted only by a conditional update on it. */
  epoch: bigint('epoch', { mode: 'number' }).notNull().default(0),
  lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
  nomineeDeviceId: uuid('nominee_device_id'),
  nominatedEpoch: bigint('nominated_epoch', { mode: 'number' }),
  /** A chair started the context anew over this earlier group (whose devices were all gone): who, when. */
  reestablishedFrom: uuid('reestablished_from'),
  reestablishedBy: uuid('reestablished_by'),
  reestablishedAt: timestamp('reestablished_at', { withTimezone: true }),
  createdBy: uuid('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Device ↔ leaf, as declared by committers (the server cannot read commits). */
export const mlsMembers = pgTable(
  'mls_members',
  {
    mlsGroupId: uuid('mls_group_id')
      .notNull()
      .references(() => mlsGroups.id),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.deviceId),
    userId: uuid('user_id').notNull(),
    leafIndex: integer('leaf_index'),
    /** `leaving`: asked to be removed (left, removed by a chair, revoked); waits for a member's Remove commit. */
    status: text('status', { enum: ['active', 'leaving', 'removed'] }).notNull(),
    joinedSeq: bigint('joined_seq', { mode: 'number' }).notNull(),
    removedSeq: bigint('removed_seq', { mode: 'number' }),
  },
  (t) => [
    primaryKey({ columns: [t.mlsGroupId, t.deviceId] }),
    uniqueIndex('mls_members_leaf_uq').on(t.mlsGroupId, t.leafIndex).where(sql`status <> 'removed'`),
  ],
);

/** Commits and application messages, ciphertext only, in the one order every member processes them. */
export const mlsMessages = pgTable(
  'mls_messages',
  {
    mlsGroupId: uuid('mls_group_id')
      .notNull()
      .references(() => mlsGroups.id),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    kind: text('kind', { enum: ['commit', 'application'] }).notNull(),
    senderDeviceId: uuid('sender_device_id').notNull(),
    message: bytea('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.mlsGroupId, t.seq] }),
    // The database, not the application, guarantees one accepted commit per epoch.
    uniqueIndex('mls_messages_one_commit_per_epoch_uq').on(t.mlsGroupId, t.epoch).where(sql`kind = 'commit'`),
  ],
);

export const mlsWelcomes = pgTable(
  'mls_welcomes',
  {
    mlsGroupId: uuid('mls_group_id')
      .notNull()
      .references(() => mlsGroups.id),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.deviceId),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    epoch: bigint('epoch', { mode: 'number' }).notNull(),
    welcome: bytea('welcome').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mlsGroupId, t.deviceId, t.seq] })],
);

/**
 * The latest GroupInfo a member published (RFC 9420 §12.4.3.2), signed, with external_pub and the ratchet tree.
 * Public by design: it lets an allowed device join by an external commit; only the current epoch's is handed out.
 */
export const mlsGroupInfos = pgTable('mls_group_infos', {
  mlsGroupId: uuid('mls_group_id')
    .primaryKey()
    .references(() => mlsGroups.id),
  epoch: bigint('epoch', { mode: 'number' }).notNull(),
  groupInfo: bytea('group_info').notNull(),
  publishedBy: uuid('published_by').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
});
