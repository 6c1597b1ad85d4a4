// The one list of tables drizzle-kit generates migrations from; each module owns its own schema file.
export * from '../modules/account-help/schema.js';
export * from '../modules/audit/schema.js';
export * from '../modules/auth/schema.js';
export * from '../modules/calendar/schema.js';
export * from '../modules/calls/schema.js';
export * from '../modules/floor/schema.js';
export * from '../modules/groups/schema.js';
export * from '../modules/identity/schema.js';
export * from '../modules/interpretation/schema.js';
export * from '../modules/invitations/schema.js';
export * from '../modules/keys/schema.js';
export * from '../modules/meetings/schema.js';
export * from '../modules/outcomes/schema.js';
export * from '../modules/readouts/schema.js';
export * from '../modules/statements/schema.js';
export * from '../modules/tracks/schema.js';
