#!/usr/bin/env node
// Usage: npm start — brings Node 22 if the machine's Node is older, installs what is missing, builds, then runs
// `parley serve --demo` in the foreground. Each long step prints its elapsed time; a failed step says which one and
// what to do. Configuration comes from the environment (PORT, HOST, DATA_DIR, DATABASE_URL, PUBLIC_URL, ...), which
// the server inherits as is. SIGINT/SIGTERM go to the server; this script exits with the server's status.
import { existsSync } from 'node:fs';
import { ensureSystemPackages } from './lib/apt.mjs';
import { buildAll } from './lib/build.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { info, runMain, section, step } from './lib/log.mjs';
import { useProjectNode } from './lib/node-runtime.mjs';
import { inRepo } from './lib/repo.mjs';
import { exitStatus, run } from './lib/run.mjs';

await useProjectNode();

/** Debian packages the server needs at runtime, each needed only once the feature using it exists. */
const RUNTIME_SYSTEM_PACKAGES = [
  {
    name: 'janus',
    neededWhen: () => existsSync(inRepo('packages/server/src/janus')) && process.env.JANUS !== '0',
  },
];

runMain(async () => {
  info(`Node ${process.version}; a first run installs, builds and loads the demo, which takes a few minutes`);
  await step('npm dependencies', ensureDeps, {
    hint: 'check that this machine reaches the npm registry (`npm config get registry`), then run `npm start` again',
  });

  const needed = RUNTIME_SYSTEM_PACKAGES.filter((pkg) => pkg.neededWhen()).map((pkg) => pkg.name);
  if (needed.length > 0) {
    await step('system packages', () => ensureSystemPackages(needed), {
      hint: `run \`npm start\` once as root (it installs ${needed.join(', ')} with apt-get), or start without calls: \`JANUS=0 npm start\``,
    });
  }

  await step('build', buildAll, {
    hint: 'the compiler output above names the problem; after a pull, run `npm install` and then `npm start` again',
  });

  // The server reports its own steps (database and migrations, Janus, demo load) and ends with the URL and logins.
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
