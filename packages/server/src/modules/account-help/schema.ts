import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.js';
import { groups, sides } from '../groups/schema.js';

/** A chair's request that the instance administrator reset or disable the account of one of the side's people. */
export const accountHelpRequests = pgTable(
  'account_help_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subjectUserId: uuid('subject_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    sideId: uuid('side_id')
      .notNull()
      .references(() => sides.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['reset_second_factors', 'reset_password', 'disable', 'enable'] }).notNull(),
    note: text('note').notNull().default(''),
    status: text('status', { enum: ['open', 'done', 'declined'] })
      .notNull()
      .default('open'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    resolvedBy: uuid('resolved_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [index('account_help_requests_status_idx').on(t.status)],
);
