import { type AnyPgColumn, boolean, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';

const markingEnum = ['shared', 'side-only'] as const;
const roleEnum = ['chair', 'member', 'observer', 'secretariat'] as const;

export const groups = pgTable('groups', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  kind: text('kind', { enum: ['group', 'track'] }).notNull(),
  parentGroupId: uuid('parent_group_id').references((): AnyPgColumn => groups.id),
  /** Chairs who signed in through an identity provider confirm a passkey or TOTP code before chair actions. */
  chairStepUp: boolean('chair_step_up').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const sides = pgTable(
  'sides',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    name: text('name').notNull(),
    shortCode: text('short_code').notNull(),
    colour: text('colour').notNull(),
    position: integer('position').notNull(),
    /** For a track's side: the parent group's side it stands for (its chairs oversee the track for that side). */
    parentSideId: uuid('parent_side_id').references((): AnyPgColumn => sides.id),
  },
  (t) => [unique('sides_group_code_uq').on(t.groupId, t.shortCode)],
);

export const agencies = pgTable('agencies', {
  id: uuid('id').primaryKey().defaultRandom(),
  groupId: uuid('group_id')
    .notNull()
    .references(() => groups.id),
  sideId: uuid('side_id')
    .notNull()
    .references(() => sides.id),
  name: text('name').notNull(),
  marking: text('marking', { enum: markingEnum }).notNull().default('shared'),
});

export const memberships = pgTable(
  'memberships',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    sideId: uuid('side_id')
      .notNull()
      .references(() => sides.id),
    /** The user lives in the auth module; only its id is held here. */
    userId: uuid('user_id').notNull(),
    role: text('role', { enum: roleEnum }).notNull(),
    agencyId: uuid('agency_id').references(() => agencies.id),
    title: text('title').notNull().default(''),
    marking: text('marking', { enum: markingEnum }).notNull().default('shared'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('memberships_group_user_uq').on(t.groupId, t.userId)],
);
