// The one list of tables drizzle-kit generates migrations from; each module owns its own schema file.
export * from '../modules/audit/schema.js';
export * from '../modules/auth/schema.js';
export * from '../modules/groups/schema.js';
export * from '../modules/invitations/schema.js';
