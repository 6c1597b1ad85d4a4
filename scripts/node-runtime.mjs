#!/usr/bin/env node
// Usage: node scripts/node-runtime.mjs — for shell entry points (.ci/run). Prints the folder to put first on PATH
// so that `node` is Node 22: the project-local runtime (installed on first use) when the running Node is older,
// nothing when the running Node is recent enough.
import { ensureProjectRuntime, isSupportedNode } from './lib/node-runtime.mjs';

try {
  if (!isSupportedNode()) console.log(ensureProjectRuntime());
} catch (error) {
  console.error(`[parley] ERROR: ${error.message}`);
  process.exit(1);
}
