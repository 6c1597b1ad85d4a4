/**
 * Parley runs on Node.js 22 LTS. Every entry point (npm start, npm test, npm run bench, the parley CLI, .ci/run)
 * calls useProjectNode() first: on Node >= 22 nothing happens; on an older Node the pinned official binary is
 * installed once from the npm registry (package node-<platform>-<arch>, the binary inside the package, no install
 * script) into .runtime/ (git-ignored), and the same command runs again under it with its bin folder first on
 * PATH, so everything started from there (npm, tsc, vite, vitest and its workers, the server, the CLI) is Node 22.
 *
 * This module is loaded by whatever Node is on the machine: only node: builtins, nothing from node_modules.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The pinned version: `.node-version` is the one place it is written. */
export const PINNED_NODE_VERSION = readFileSync(join(repoRoot, '.node-version'), 'utf8').trim();
export const REQUIRED_NODE_MAJOR = majorOf(PINNED_NODE_VERSION);

const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function majorOf(version) {
  return Number(String(version).replace(/^v/, '').split('.')[0]);
}

export function isSupportedNode(version = process.versions.node) {
  return majorOf(version) >= REQUIRED_NODE_MAJOR;
}

function runtimePackage() {
  return `node-${process.platform}-${process.arch}`;
}

/** Folder of the project-local runtime: .runtime/node-<version>/. */
export function runtimeDir() {
  return join(repoRoot, '.runtime', `node-${PINNED_NODE_VERSION}`);
}

/** bin/ folder holding the project-local `node` (the one to put first on PATH). */
export function runtimeBinDir() {
  return join(runtimeDir(), 'node_modules', runtimePackage(), 'bin');
}

function installedVersion(binDir) {
  const node = join(binDir, 'node');
  if (!existsSync(node)) return undefined;
  const probe = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim().replace(/^v/, '') : undefined;
}

/**
 * Makes sure .runtime/ holds the pinned Node and returns its bin folder. Installs into a temporary sibling folder
 * and renames it into place, so an interrupted install is never mistaken for a usable runtime.
 */
export function ensureProjectRuntime() {
  const binDir = runtimeBinDir();
  if (installedVersion(binDir) === PINNED_NODE_VERSION) return binDir;

  const spec = `${runtimePackage()}@${PINNED_NODE_VERSION}`;
  const target = runtimeDir();
  const staging = `${target}.partial-${process.pid}`;
  console.error(
    `[parley] installing Node ${PINNED_NODE_VERSION} into ${relative(repoRoot, target)}/ (npm package ${spec})`,
  );
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      staging,
      '--no-save',
      '--no-package-lock',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      spec,
    ],
    // npm's own output goes to stderr: .ci/run reads this script's stdout as the folder to put on PATH.
    { cwd: staging, stdio: ['ignore', 2, 'inherit'] },
  );
  const stagedBin = join(staging, 'node_modules', runtimePackage(), 'bin');
  if (npm.status !== 0 || installedVersion(stagedBin) !== PINNED_NODE_VERSION) {
    rmSync(staging, { recursive: true, force: true });
    throw new Error(
      `could not install Node ${PINNED_NODE_VERSION} (\`npm install ${spec}\` ${npm.error ? `failed: ${npm.error.message}` : `exited with ${npm.status}`}). ` +
        `Check the network access to the npm registry, or install Node.js ${REQUIRED_NODE_MAJOR} LTS yourself.`,
    );
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  return binDir;
}

/** The environment for processes run under the project-local runtime: its bin folder first on PATH. */
export function envWithRuntime(binDir, env = process.env) {
  return { ...env, PATH: [binDir, env.PATH].filter(Boolean).join(delimiter) };
}

/**
 * Returns at once on Node >= 22. Otherwise runs this very process again (same script, arguments, stdio) under
 * the project-local Node 22 and ends with its exit status; it never returns then.
 */
export async function useProjectNode() {
  if (isSupportedNode()) {
    // Children found through PATH (npm, tsc, vite, vitest) must run on this same Node, even when another,
    // older `node` comes first on PATH (a Node 22 started by its full path).
    const own = dirname(process.execPath);
    if ((process.env.PATH ?? '').split(delimiter)[0] !== own) process.env.PATH = envWithRuntime(own).PATH;
    return;
  }
  let binDir;
  try {
    binDir = ensureProjectRuntime();
  } catch (error) {
    console.error(
      `[parley] ERROR: Parley needs Node.js ${REQUIRED_NODE_MAJOR} (this is ${process.version}): ${error.message}`,
    );
    process.exit(1);
  }
  console.error(
    `[parley] Node ${process.versions.node} is older than ${REQUIRED_NODE_MAJOR}: running under Node ${PINNED_NODE_VERSION} from ${relative(repoRoot, binDir)}`,
  );
  const child = spawn(join(binDir, 'node'), [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: envWithRuntime(binDir),
  });
  // The child sees the terminal's Ctrl-C itself; a signal sent to this process alone (kill, systemd, a test
  // harness) is passed on, and this process waits for the child and ends the same way.
  const forward = (signal) => child.kill(signal);
  for (const signal of FORWARDED_SIGNALS) process.on(signal, forward);
  const { code, signal } = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
  });
  for (const s of FORWARDED_SIGNALS) process.off(s, forward);
  if (signal) process.kill(process.pid, signal);
  process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1));
}
