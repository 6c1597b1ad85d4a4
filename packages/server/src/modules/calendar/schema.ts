import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** One subscription token per user; only its SHA-256 is kept, so a database thief cannot read anyone's calendar. */
export const calendarTokens = pgTable('calendar_tokens', {
  /** The user lives in the auth module; only its id is held here. */
  userId: uuid('user_id').primaryKey(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
