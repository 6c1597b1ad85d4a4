import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { info, UserError, warn } from './log.mjs';
import { runOrThrow } from './run.mjs';
import { SYSTEM_PACKAGES } from './system-packages.mjs';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';
// Waits for a dpkg lock held by another apt run (unattended-upgrades, a parallel job) instead of failing.
const APT_LOCK_WAIT = ['-o', 'DPkg::Lock::Timeout=600'];
const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };

let aptListsUpdated = false;

export function isInstalled(name) {
  if (SYSTEM_PACKAGES[name]?.present?.()) return true;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: ${Status} is dpkg-query's format syntax, not JS.
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  // "install ok installed" or "hold ok installed"; "deinstall ok config-files" means removed.
  return query.status === 0 && / installed$/.test(query.stdout);
}

/** Makes sure the given Debian packages are installed, installing only the missing ones. */
export async function ensureSystemPackages(names) {
  const missing = names.filter((name) => !isInstalled(name));
  if (missing.length === 0) {
    info(`system packages present: ${names.join(', ')}`);
  } else {
    await aptInstall(missing);
    const stillMissing = missing.filter((name) => !isInstalled(name));
    if (stillMissing.length > 0) throw new UserError(`apt-get finished but still missing: ${stillMissing.join(', ')}`);
  }
  for (const name of names) SYSTEM_PACKAGES[name]?.afterEnsure?.();
}

async function aptInstall(missing) {
  const manual = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (!existsSync('/usr/bin/apt-get') || !existsSync('/usr/bin/dpkg-query')) {
    throw new UserError(
      `missing system packages (${missing.join(', ')}) and this is not a Debian-like system with apt`,
    );
  }
  if (process.getuid?.() !== 0) {
    throw new UserError(`missing system packages: ${missing.join(', ')}. Install them as root: ${manual}`);
  }
  info(`installing system packages: ${missing.join(', ')}`);
  if (!aptListsUpdated) {
    try {
      await runOrThrow('apt-get', [...APT_LOCK_WAIT, 'update'], { env: APT_ENV, stdin: 'ignore' });
      aptListsUpdated = true;
    } catch (error) {
      // Stale lists may still be good enough; the install below fails clearly if not.
      warn(`apt-get update failed (${error.message}); trying the install anyway`);
    }
  }
  const blockServices = missing.some((name) => SYSTEM_PACKAGES[name]?.noAutostart);
  const removePolicy = blockServices ? blockServiceStarts() : () => {};
  try {
    await runOrThrow('apt-get', [...APT_LOCK_WAIT, 'install', '-y', '--no-install-recommends', ...missing], {
      env: APT_ENV,
      stdin: 'ignore',
    });
  } finally {
    removePolicy();
  }
}

/**
 * Installs a policy-rc.d that tells invoke-rc.d / deb-systemd-invoke not to start services, so a package's
 * daemon never runs with its default config. Returns the undo; an existing policy (Docker images ship one)
 * is left in place and untouched.
 */
function blockServiceStarts() {
  if (existsSync(POLICY_RC_D)) return () => {};
  writeFileSync(POLICY_RC_D, '#!/bin/sh\n# temporary, written by parley scripts/lib/apt.mjs\nexit 101\n');
  chmodSync(POLICY_RC_D, 0o755);
  return () => rmSync(POLICY_RC_D, { force: true });
}
