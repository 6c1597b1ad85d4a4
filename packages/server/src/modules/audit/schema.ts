import { bigint, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const auditLog = pgTable('audit_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actorUserId: uuid('actor_user_id'),
  action: text('action').notNull(),
  resourceType: text('resource_type').notNull(),
  resourceId: text('resource_id'),
  groupId: uuid('group_id'),
  sideId: uuid('side_id'),
  marking: text('marking', { enum: ['shared', 'side-only'] }).notNull(),
  beforeDigest: text('before_digest'),
  afterDigest: text('after_digest'),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});
