#!/usr/bin/env node
// Usage: node scripts/build.mjs — `tsc -b` for the packages, then the vite build of the web app if present.
import { buildAll } from './lib/build.mjs';
import { runMain } from './lib/log.mjs';
import { useProjectNode } from './lib/node-runtime.mjs';

await useProjectNode();

runMain(async () => {
  await buildAll();
  return 0;
});
