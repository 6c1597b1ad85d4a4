import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { meetings } from '../meetings/schema.js';

/**
 * The speakers' list of a meeting (docs/architecture.md §3.3: every change through the write service). It lives in
 * the database, not in the live call, so every screen, a reconnecting browser and a restarted server see the same
 * queue. The row of `floors` is locked by every change, which orders concurrent changes of one list.
 */
export const floors = pgTable('floors', {
  meetingId: uuid('meeting_id')
    .primaryKey()
    .references(() => meetings.id),
  version: integer('version').notNull().default(0),
  /** Seconds a chair allowed each side, by side id; a side without an entry has no allowance. */
  allowances: jsonb('allowances').$type<Record<string, number>>().notNull().default({}),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Who waits for the floor; the name and side are as the call showed them when the hand went up. */
export const floorQueue = pgTable(
  'floor_queue',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order is the queue's order. */
    seq: integer('seq').generatedAlwaysAsIdentity(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    userId: uuid('user_id').notNull(),
    displayName: text('display_name').notNull(),
    sideId: uuid('side_id').notNull(),
    /** The chair who put the name down; null when the person raised their own hand. */
    addedBy: uuid('added_by'),
    since: timestamp('since', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('floor_queue_person_uq').on(t.meetingId, t.userId),
    index('floor_queue_order_idx').on(t.meetingId, t.seq),
  ],
);

/** One turn at the floor during a call; the open one (no end) is whoever speaks now. */
export const floorTurns = pgTable(
  'floor_turns',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    /** The call during which the turn was given (a later call of the meeting starts its time afresh). */
    callId: uuid('call_id').notNull(),
    userId: uuid('user_id').notNull(),
    displayName: text('display_name').notNull(),
    sideId: uuid('side_id').notNull(),
    givenBy: uuid('given_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('floor_turns_one_open_uq').on(t.meetingId).where(sql`${t.endedAt} is null`),
    index('floor_turns_call_idx').on(t.callId),
  ],
);
