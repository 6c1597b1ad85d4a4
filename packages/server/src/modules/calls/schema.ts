import { sql } from 'drizzle-orm';
import { type AnyPgColumn, bigint, index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { sides } from '../groups/schema.js';
import { meetings } from '../meetings/schema.js';

/**
 * One row per secure call of a meeting. Live participant state stays in memory (one node); the row says a call is
 * running and where its media room is, so any server node drives that room and a restarted one finds it again. A side's caucus is
 * a call too: it has the plenary as parent and names its side; it ends when its chair closes it or the plenary ends.
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
    /**
     * The Janus node holding the room (an id of JANUS_NODES, "janus" for JANUS_URL, "child-<node>" for a Parley
     * node's own child); null for calls placed before nodes had ids. Any Parley node drives the room from these two.
     */
    janusNode: text('janus_node'),
    startedBy: uuid('started_by'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    endedBy: uuid('ended_by'),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** A caucus's plenary call; null for the plenary itself. */
    parentCallId: uuid('parent_call_id').references((): AnyPgColumn => calls.id),
    /** A caucus's side (side-only: its rows are never shown to the other side). */
    sideId: uuid('side_id').references(() => sides.id),
  },
  (t) => [
    // At most one running call per meeting, even if two chairs press "start" at once.
    uniqueIndex('calls_one_active_uq').on(t.meetingId).where(sql`${t.endedAt} is null and ${t.parentCallId} is null`),
    // At most one open caucus per side of a call.
    uniqueIndex('calls_one_caucus_uq')
      .on(t.parentCallId, t.sideId)
      .where(sql`${t.endedAt} is null and ${t.parentCallId} is not null`),
    index('calls_meeting_idx').on(t.meetingId),
  ],
);
