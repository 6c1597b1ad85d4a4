import { integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { groups, sides } from '../groups/schema.js';

export const readouts = pgTable(
  'readouts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    sideId: uuid('side_id')
      .notNull()
      .references(() => sides.id),
    meetingId: uuid('meeting_id').notNull(),
    status: text('status', { enum: ['draft', 'published'] })
      .notNull()
      .default('draft'),
    currentVersion: integer('current_version').notNull(),
    publishedVersion: integer('published_version'),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    publishedBy: uuid('published_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('readouts_meeting_side_uq').on(t.meetingId, t.sideId)],
);

/** Append-only: every save is a new row. */
export const readoutVersions = pgTable(
  'readout_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    readoutId: uuid('readout_id')
      .notNull()
      .references(() => readouts.id),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    /** BCP 47 tag of `title` and `text`; versions from before languages were recorded are English. */
    language: text('language').notNull().default('en'),
    /** The same readout in a second language, shown beside the first; both null for a single language. */
    secondLanguage: text('second_language'),
    secondText: text('second_text'),
    authorUserId: uuid('author_user_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('readout_versions_uq').on(t.readoutId, t.version)],
);
