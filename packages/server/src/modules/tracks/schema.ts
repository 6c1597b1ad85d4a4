import { pgTable, timestamp, uuid } from 'drizzle-orm/pg-core';
import { groups } from '../groups/schema.js';
import { outcomes } from '../outcomes/schema.js';

/** Links a track (a group of kind 'track') to the outcome that called for it. */
export const tracks = pgTable('tracks', {
  groupId: uuid('group_id')
    .primaryKey()
    .references(() => groups.id),
  parentGroupId: uuid('parent_group_id')
    .notNull()
    .references(() => groups.id),
  outcomeId: uuid('outcome_id')
    .notNull()
    .references(() => outcomes.id),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
