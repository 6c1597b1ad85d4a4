import { type AnyPgColumn, date, index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { groups, sides } from '../groups/schema.js';

export const outcomes = pgTable(
  'outcomes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    /** The recording side; for side-only entries the only side that sees them. */
    sideId: uuid('side_id')
      .notNull()
      .references(() => sides.id),
    kind: text('kind', { enum: ['agreement', 'concern', 'commitment', 'action', 'disagreement'] }).notNull(),
    text: text('text').notNull(),
    raisedBySideId: uuid('raised_by_side_id').references(() => sides.id),
    addressedToSideId: uuid('addressed_to_side_id').references(() => sides.id),
    respondsToId: uuid('responds_to_id').references((): AnyPgColumn => outcomes.id),
    /** A user of the auth module who is a delegate of this group. */
    ownerUserId: uuid('owner_user_id'),
    due: date('due', { mode: 'string' }),
    status: text('status', { enum: ['open', 'in_progress', 'done', 'dropped'] })
      .notNull()
      .default('open'),
    marking: text('marking', { enum: ['shared', 'side-only'] }).notNull(),
    /** Meetings and agenda items belong to the meetings module; only their ids are held here. */
    meetingId: uuid('meeting_id'),
    agendaItemId: uuid('agenda_item_id'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('outcomes_group_idx').on(t.groupId), index('outcomes_responds_to_idx').on(t.respondsToId)],
);
