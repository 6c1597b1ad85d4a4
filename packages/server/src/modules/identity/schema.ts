import type { RoleMap } from '@parley/protocol';
import { index, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from '../auth/schema.js';
import { groups, sides } from '../groups/schema.js';

/** OpenID Connect providers registered by the instance administrator. The client secret is sealed (secrets key). */
export const identityProviders = pgTable('identity_providers', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  issuer: text('issuer').notNull().unique(),
  clientId: text('client_id').notNull(),
  clientSecret: text('client_secret').notNull(),
  agencyClaim: text('agency_claim'),
  roleClaim: text('role_claim'),
  roleMap: jsonb('role_map').$type<RoleMap>().notNull().default({}),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A side signs its people in through at most one provider; a provider may serve sides of several groups. */
export const sideIdentityProviders = pgTable(
  'side_identity_providers',
  {
    sideId: uuid('side_id')
      .primaryKey()
      .references(() => sides.id),
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
  },
  (t) => [index('side_identity_providers_provider_idx').on(t.providerId)],
);

/**
 * An account's identity at a provider (issuer + subject). The refresh token (sealed) lets the server ask the
 * provider, periodically, whether the person still exists there; `revokedAt` is set when the provider said no.
 */
export const identityLinks = pgTable(
  'identity_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerId: uuid('provider_id')
      .notNull()
      .references(() => identityProviders.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    refreshToken: text('refresh_token'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    unique('identity_links_provider_subject_uq').on(t.providerId, t.subject),
    index('identity_links_user_idx').on(t.userId),
  ],
);

/** A sign-in in progress: state, nonce and PKCE verifier live here, found by the hash of the state. */
export const identityFlows = pgTable('identity_flows', {
  id: uuid('id').primaryKey().defaultRandom(),
  stateHash: text('state_hash').notNull().unique(),
  nonce: text('nonce').notNull(),
  codeVerifier: text('code_verifier').notNull(),
  providerId: uuid('provider_id')
    .notNull()
    .references(() => identityProviders.id, { onDelete: 'cascade' }),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
