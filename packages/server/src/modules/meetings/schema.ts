import type { MeetingEventDetails } from '@parley/protocol';
import { index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { groups, sides } from '../groups/schema.js';

const markingEnum = ['shared', 'side-only'] as const;

export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    title: text('title').notNull(),
    format: text('format', { enum: ['in_person', 'video', 'hybrid'] }).notNull(),
    location: text('location').notNull().default(''),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** IANA zone the meeting was planned in; times are stored as instants, the zone is for display. */
    timeZone: text('time_zone').notNull(),
    status: text('status', { enum: ['planned', 'postponed', 'cancelled', 'held'] })
      .notNull()
      .default('planned'),
    marking: text('marking', { enum: markingEnum }).notNull().default('shared'),
    /** Owning side of a side-only meeting; null for shared ones. */
    sideId: uuid('side_id').references(() => sides.id),
    icalUid: text('ical_uid').notNull().unique(),
    sequence: integer('sequence').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('meetings_group_start_idx').on(t.groupId, t.startsAt)],
);

/** Append-only: rows are inserted, never updated or deleted. */
export const meetingEvents = pgTable(
  'meeting_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order, which is the history's order (`at` can be recorded after the fact, e.g. a start). */
    seq: integer('seq').generatedAlwaysAsIdentity(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    kind: text('kind', {
      enum: [
        'planned',
        'cancelled',
        're_requested',
        'rescheduled',
        'format_changed',
        'postponed',
        'started',
        'ended',
        'shared',
        'speaking_time',
        'interpreter_assigned',
        'interpreter_unassigned',
      ],
    }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** The user lives in the auth module; only its id is held here. */
    actorUserId: uuid('actor_user_id'),
    sideId: uuid('side_id').references(() => sides.id),
    details: jsonb('details').$type<MeetingEventDetails>().notNull(),
  },
  (t) => [index('meeting_events_meeting_idx').on(t.meetingId, t.at)],
);

export const agendaItems = pgTable(
  'agenda_items',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    meetingId: uuid('meeting_id')
      .notNull()
      .references(() => meetings.id),
    position: integer('position').notNull(),
    title: text('title').notNull(),
    notes: text('notes').notNull().default(''),
    marking: text('marking', { enum: markingEnum }).notNull().default('shared'),
    sideId: uuid('side_id').references(() => sides.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('agenda_items_meeting_idx').on(t.meetingId, t.position)],
);
