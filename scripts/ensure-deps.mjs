#!/usr/bin/env node
// Usage: node scripts/ensure-deps.mjs — installs npm dependencies when node_modules is missing or stale.
import { ensureDeps } from './lib/deps.mjs';
import { runMain } from './lib/log.mjs';
import { useProjectNode } from './lib/node-runtime.mjs';

await useProjectNode();

runMain(async () => {
  await ensureDeps();
  return 0;
});
