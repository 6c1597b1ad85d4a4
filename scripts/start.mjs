#!/usr/bin/env node
// Usage: npm start — installs what is missing, builds, then runs `parley serve --demo` in the foreground.
// Configuration comes from the environment (PORT, HOST, DATA_DIR, DATABASE_URL, PUBLIC_URL, ...), which the
// server inherits as is. SIGINT/SIGTERM go to the server; this script exits with the server's status.
import { existsSync } from 'node:fs';
import { ensureSystemPackages } from './lib/apt.mjs';
import { buildAll } from './lib/build.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { runMain, section } from './lib/log.mjs';
import { inRepo } from './lib/repo.mjs';
import { exitStatus, run } from './lib/run.mjs';

/** Debian packages the server needs at runtime, each needed only once the feature using it exists. */
const RUNTIME_SYSTEM_PACKAGES = [{ name: 'janus', neededWhen: () => existsSync(inRepo('packages/server/src/janus')) }];

runMain(async () => {
  section('npm dependencies');
  await ensureDeps();

  const needed = RUNTIME_SYSTEM_PACKAGES.filter((pkg) => pkg.neededWhen()).map((pkg) => pkg.name);
  if (needed.length > 0) {
    section('system packages');
    await ensureSystemPackages(needed);
  }

  section('build');
  await buildAll();

  section('parley serve --demo');
  const result = await run(process.execPath, [inRepo('packages/cli/bin/parley.mjs'), 'serve', '--demo'], {
    forwardSignals: true,
  });
  if (result.signal) {
    // Die the same way the server did, so callers (npm, systemd, a test harness) see the real cause.
    process.kill(process.pid, result.signal);
  }
  return exitStatus(result);
});
