import { existsSync, statSync } from 'node:fs';
import { info } from './log.mjs';
import { inRepo } from './repo.mjs';
import { runOrThrow } from './run.mjs';

const NPM_FLAGS = ['--no-audit', '--no-fund'];

/**
 * Installs npm dependencies when node_modules is missing or stale. npm writes node_modules/.package-lock.json
 * after package-lock.json on every install, so a lockfile newer than it means someone changed dependencies
 * (e.g. a pull) since the last install.
 */
export async function ensureDeps() {
  const lockfile = inRepo('package-lock.json');
  const hiddenLockfile = inRepo('node_modules', '.package-lock.json');
  const hasLockfile = existsSync(lockfile);

  let args;
  if (!existsSync(inRepo('node_modules'))) {
    // A fresh clone: `npm ci` installs exactly what the lockfile pins.
    args = hasLockfile ? ['ci', ...NPM_FLAGS] : ['install', ...NPM_FLAGS];
  } else if (!existsSync(hiddenLockfile) || (hasLockfile && mtime(lockfile) > mtime(hiddenLockfile))) {
    args = ['install', ...NPM_FLAGS];
  } else {
    info('npm dependencies up to date');
    return;
  }
  info(`installing npm dependencies: npm ${args.join(' ')}`);
  await runOrThrow('npm', args, { stdin: 'ignore' });
}

function mtime(path) {
  return statSync(path).mtimeMs;
}
