#!/usr/bin/env node
// Usage: npm test [-- <vitest args>]        e.g. `npm test -- --project unit`
// Brings Node 22 when the machine's Node is older (scripts/lib/node-runtime.mjs), installs what the tests need (npm
// deps, Debian chromium, firefox-esr, janus, poppler-utils, postgresql, redis-server and nginx), builds, runs `vitest run` (all projects by default),
// prints the Node version used and ends with the line `tests: N passed, N failed, N skipped`. Exits non-zero when
// anything failed, vitest crashed, or no test ran.
//
// Own options, not passed to vitest:
//   --skip-build or PARLEY_SKIP_BUILD=1   skip `tsc -b` + web build (tests read src/ anyway; e2e needs the build)
//   PARLEY_TEST_RESULTS=<file>            vitest JSON report path (default .vitest-results.json, gitignored)
//   PARLEY_TEST_SUMMARY=0                 end with "run summary: ..." instead of the "tests: ..." line, for
//                                         callers that combine several runs (.ci/run via test-summary.mjs)
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureSystemPackages } from './lib/apt.mjs';
import { buildAll } from './lib/build.mjs';
import { ensureDeps } from './lib/deps.mjs';
import { describeError, elapsedSinceStart, formatSeconds, info, section, warn } from './lib/log.mjs';
import { useProjectNode } from './lib/node-runtime.mjs';
import { localBin, repoRoot } from './lib/repo.mjs';
import { exitStatus, run } from './lib/run.mjs';
import { formatCounts, isGreen, readReport } from './lib/vitest-results.mjs';

await useProjectNode();

const SKIP_BUILD_FLAGS = new Set(['--skip-build', '--no-build']);
// e2e drives Debian's chromium through playwright-core and Debian's Firefox ESR through puppeteer-core (WebDriver
// BiDi, for the mixed-browser call; on an Xvfb display where it shares its screen); the media tests run a real,
// supervised Janus; the PDF tests read statements back with poppler's pdftotext; the failover test
// (e2e/cluster-failover.spec.ts) runs its own PostgreSQL cluster, redis-server and nginx on loopback.
const TEST_SYSTEM_PACKAGES = [
  'chromium',
  'firefox-esr',
  'xvfb',
  'janus',
  'poppler-utils',
  'postgresql',
  'redis-server',
  'nginx',
];

const args = process.argv.slice(2);
const skipBuild = args.some((arg) => SKIP_BUILD_FLAGS.has(arg)) || isOn(process.env.PARLEY_SKIP_BUILD);
const vitestArgs = args.filter((arg) => !SKIP_BUILD_FLAGS.has(arg));
const resultsFile = resolve(repoRoot, process.env.PARLEY_TEST_RESULTS || '.vitest-results.json');
const finalLine = process.env.PARLEY_TEST_SUMMARY !== '0';

const problems = [];
let vitestStatus = 1;
rmSync(resultsFile, { force: true }); // never summarize a previous run's report, whatever fails below
info(`tests run under Node ${process.version}`);
try {
  section('npm dependencies');
  await ensureDeps();

  section('system packages');
  try {
    await ensureSystemPackages(TEST_SYSTEM_PACKAGES);
  } catch (error) {
    // Unit and API tests do not need the browsers; the e2e tests will fail on their own and say why.
    warn(`${describeError(error)} (e2e tests cannot run without it)`);
  }

  if (skipBuild) {
    section('build (skipped)');
  } else {
    section('build');
    try {
      await buildAll();
    } catch (error) {
      // Still run the tests (they import src/), but the run is red.
      problems.push(`build failed: ${describeError(error)}`);
    }
  }

  section(`vitest run ${vitestArgs.join(' ')}`.trim());
  const vitestArgv = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`];
  vitestStatus = exitStatus(await run(localBin('vitest'), [...vitestArgv, ...vitestArgs], { forwardSignals: true }));
  if (vitestStatus !== 0) problems.push(`vitest exited with status ${vitestStatus}`);
} catch (error) {
  problems.push(describeError(error));
}

const summary = readReport(resultsFile, 'vitest');
problems.push(...summary.problems);
section('summary');
console.log(`node: ${process.version}; took ${formatSeconds(elapsedSinceStart())}`);
for (const problem of problems) console.log(`FAILED: ${problem}`);
console.log(`${finalLine ? 'tests' : 'run summary'}: ${formatCounts(summary)}`);
process.exitCode = problems.length === 0 && isGreen(summary) ? 0 : vitestStatus || 1;

function isOn(value) {
  return value !== undefined && !['', '0', 'false', 'no'].includes(value.toLowerCase());
}
