#!/usr/bin/env node
// Usage: node scripts/ensure-system.mjs <debian-package...>
// Installs the missing ones with apt-get (root needed only when something is missing).
import { ensureSystemPackages } from './lib/apt.mjs';
import { runMain, UserError } from './lib/log.mjs';

runMain(async () => {
  const names = process.argv.slice(2);
  if (names.length === 0) throw new UserError('usage: node scripts/ensure-system.mjs <debian-package...>');
  await ensureSystemPackages(names);
  return 0;
});
