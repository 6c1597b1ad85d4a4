#!/usr/bin/env node
// Usage: npm run bench [-- filter...]   e.g. `npm run bench -- sframe`
// Runs bench/run-all.ts under tsx with the "source" condition so workspace packages resolve to src/ (no build).
import { ensureDeps } from './lib/deps.mjs';
import { runMain } from './lib/log.mjs';
import { useProjectNode } from './lib/node-runtime.mjs';
import { localBin } from './lib/repo.mjs';
import { exitStatus, run } from './lib/run.mjs';

await useProjectNode();

runMain(async () => {
  await ensureDeps();
  const args = ['--conditions=source', 'bench/run-all.ts', ...process.argv.slice(2)];
  return exitStatus(await run(localBin('tsx'), args, { forwardSignals: true }));
});
