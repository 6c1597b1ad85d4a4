export * from './sframe/index.js';
export * from './mls/index.js';
