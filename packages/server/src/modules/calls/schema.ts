import { sql } from 'drizzle-orm';
import { bigint, index, pgTable, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { meetings } from '../meetings/schema.js';

/**
 * One row per secure call of a meeting. Live participant state stays in memory (one node); the row says a call is
 * running, so a restarted server recreates its media room when the first participant comes back.
 */
export const calls = pgTable(
  'calls',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    /** The current Janus VideoRoom (it changes when Janus restarts); its secret never leaves memory. */
    roomId: bigint('room_id', { mode: 'number' }).notNull(),
    startedBy: uuid('started_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedBy: uuid('ended_by'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    // At most one running call per meeting, even if two chairs press "start" at once.
    uniqueIndex('calls_one_active_uq').on(t.meetingId).where(sql`${t.endedAt} is null`),
    index('calls_meeting_idx').on(t.meetingId),
  ],
);
