import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Only the SHA-256 of an invitation token is stored; the token itself is shown once to its creator. */
export const invitations = pgTable('invitations', {
  id: uuid('id').primaryKey().defaultRandom(),
  tokenHash: text('token_hash').notNull().unique(),
  groupId: uuid('group_id').notNull(),
  sideId: uuid('side_id').notNull(),
  agencyId: uuid('agency_id'),
  role: text('role', { enum: ['chair', 'member', 'observer', 'secretariat'] }).notNull(),
  title: text('title').notNull().default(''),
  marking: text('marking', { enum: ['shared', 'side-only'] })
    .notNull()
    .default('shared'),
  email: text('email'),
  createdBy: uuid('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedBy: uuid('used_by'),
});
