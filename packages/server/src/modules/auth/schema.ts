import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  passwordHash: text('password_hash'),
  isAdmin: boolean('is_admin').notNull().default(false),
  totpSecret: text('totp_secret'),
  totpEnabled: boolean('totp_enabled').notNull().default(false),
  /** Last accepted TOTP time step, so a code cannot be replayed inside its window. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  webauthnUserId: text('webauthn_user_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** Set by the instance administrator: the account cannot sign in and holds no session. */
  disabledAt: timestamp('disabled_at', { withTimezone: true }),
  /** The person's choice of light or dark, or `system` to follow the device (see ThemePreference). */
  theme: text('theme', { enum: ['system', 'light', 'dark'] })
    .notNull()
    .default('system'),
  /** The language of the person's web app, or `system` to follow the browser (see LanguagePreference). */
  language: text('language', { enum: ['system', 'en', 'fr', 'he', 'ar'] })
    .notNull()
    .default('system'),
});

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** `second_factor` sessions only allow finishing the login; `full` sessions are signed in. */
    stage: text('stage', { enum: ['second_factor', 'full'] }).notNull(),
    /** How the first factor was given: an `oidc` session may owe a step-up before chair actions. */
    method: text('method', { enum: ['local', 'oidc'] })
      .notNull()
      .default('local'),
    /** When this session proved a passkey or TOTP code on top of an identity provider's sign-in. */
    steppedUpAt: timestamp('stepped_up_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    userAgent: text('user_agent').notNull().default(''),
    ip: text('ip').notNull().default(''),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const passkeys = pgTable(
  'passkeys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    credentialId: text('credential_id').notNull().unique(),
    publicKey: text('public_key').notNull(),
    counter: integer('counter').notNull().default(0),
    transports: jsonb('transports').$type<string[]>().notNull().default([]),
    name: text('name').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  },
  (t) => [index('passkeys_user_idx').on(t.userId)],
);

/** Pending WebAuthn ceremonies: the challenge lives server-side and is consumed once. */
export const authFlows = pgTable('auth_flows', {
  id: uuid('id').primaryKey().defaultRandom(),
  purpose: text('purpose', { enum: ['registration', 'authentication'] }).notNull(),
  challenge: text('challenge').notNull(),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
  /** Set when the ceremony finishes a pending password login: only that half-session may complete it. */
  sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'cascade' }),
  /** A username-first passwordless login: the credential must belong to this address (unknown ones never match). */
  email: text('email'),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});

/**
 * Single-use codes that stand in for a lost second factor. Only a hash is kept: the codes are random (50 bits
 * each, and guesses are rate-limited), so a fast hash is enough and a database dump does not reveal them.
 */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);
