export * from './group/index.js';
export * from './mls/index.js';
export * from './sframe/index.js';
