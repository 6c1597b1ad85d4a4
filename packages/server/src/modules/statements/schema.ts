import { index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { groups, sides } from '../groups/schema.js';

export const jointStatements = pgTable(
  'joint_statements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    meetingId: uuid('meeting_id'),
    status: text('status', { enum: ['draft', 'published'] })
      .notNull()
      .default('draft'),
    text: text('text').notNull(),
    /** BCP 47 tag of `text`; rows from before languages were recorded are English. */
    language: text('language').notNull().default('en'),
    /** The same statement in a second language, shown beside the first; both null for a single language. */
    secondLanguage: text('second_language'),
    secondText: text('second_text'),
    textHash: text('text_hash').notNull(),
    revision: integer('revision').notNull().default(1),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [index('joint_statements_group_idx').on(t.groupId)],
);

/** At most one approval per side; it counts only while its hash equals the statement's current hash. */
export const statementApprovals = pgTable(
  'statement_approvals',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    statementId: uuid('statement_id')
      .notNull()
      .references(() => jointStatements.id),
    sideId: uuid('side_id')
      .notNull()
      .references(() => sides.id),
    userId: uuid('user_id').notNull(),
    textHash: text('text_hash').notNull(),
    approvedAt: timestamp('approved_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('statement_approvals_side_uq').on(t.statementId, t.sideId)],
);
