import { index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { meetings } from '../meetings/schema.js';

/**
 * Interpreters of a meeting's calls (docs/architecture.md §3.3: every change through the write service). Kept with
 * the meeting, not the live call, so a reload, a reconnect or a later call of the meeting finds them in place.
 * The row of `interpretations` is locked by every change, which orders concurrent assignments of one meeting.
 */
export const interpretations = pgTable('interpretations', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id),
  version: integer('version').notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One interpreter and their language pair; the name and side are as the call showed them when assigned. */
export const interpreters = pgTable(
  'interpreters',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    userId: uuid('user_id').notNull(),
    displayName: text('display_name').notNull(),
    sideId: uuid('side_id').notNull(),
    fromLanguage: text('from_language').notNull(),
    toLanguage: text('to_language').notNull(),
    assignedBy: uuid('assigned_by').notNull(),
    assignedAt: timestamp('assigned_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // One pair per person (a booth of one), and one channel per target language: a listener picks a language.
    uniqueIndex('interpreters_person_uq').on(t.meetingId, t.userId),
    uniqueIndex('interpreters_channel_uq').on(t.meetingId, t.toLanguage),
    index('interpreters_meeting_idx').on(t.meetingId),
  ],
);
