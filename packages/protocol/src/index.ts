export * from './audit.js';
export * from './auth.js';
export * from './common.js';
export * from './groups.js';
export * from './realtime.js';
