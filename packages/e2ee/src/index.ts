export * from './mls/index.js';
export * from './sframe/index.js';
