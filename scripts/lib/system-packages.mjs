import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { info, warn } from './log.mjs';

/**
 * What Parley knows about the Debian packages it needs. A package not listed here is still handled
 * (checked through dpkg only); an entry adds a cheaper/more robust presence check and install-time care.
 *
 * - present():      true when the package's payload is usable (a binary may come from another package).
 * - noAutostart:    install with services blocked from starting (policy-rc.d), see janus.
 * - afterEnsure():  runs every time the package is ensured, installed just now or not.
 */
export const SYSTEM_PACKAGES = {
  chromium: {
    present: () => existsSync('/usr/bin/chromium'),
  },
  // The mixed-browser call test drives Debian's Firefox ESR over WebDriver BiDi (puppeteer-core).
  'firefox-esr': {
    present: () => existsSync('/usr/bin/firefox-esr'),
  },
  // Headless Firefox has no screen to share: the Firefox screen-share test gives it a private X display.
  xvfb: {
    present: () => existsSync('/usr/bin/Xvfb'),
  },
  postgresql: {
    // Only the server binaries matter (CI runs a private cluster); any major version will do.
    present: () => findPostgresBinDir() !== undefined,
  },
  janus: {
    present: () => existsSync('/usr/bin/janus'),
    // Debian's default janus config listens publicly with a well-known admin secret; Parley runs its own
    // janus child with its own config, so the packaged service must never run.
    noAutostart: true,
    afterEnsure: disableJanusService,
  },
  'redis-server': {
    present: () => existsSync('/usr/bin/redis-server'),
    // Tests and the bench run their own redis-server on a loopback port; the packaged service is not needed.
    noAutostart: true,
  },
  // The failover test runs its own nginx as the load balancer, with a private config on loopback ports.
  nginx: {
    present: () => existsSync('/usr/sbin/nginx'),
    noAutostart: true,
  },
};

/** Newest /usr/lib/postgresql/<ver>/bin that contains initdb, or undefined. */
export function findPostgresBinDir() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((version) => existsSync(`${base}/${version}/bin/initdb`))
    .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
  return versions.length > 0 ? `${base}/${versions[0]}/bin` : undefined;
}

function disableJanusService() {
  // Without systemd (containers) nothing starts the service: the install ran with policy-rc.d blocking it.
  if (!existsSync('/run/systemd/system')) return;
  const systemctl = (...args) => spawnSync('systemctl', args, { encoding: 'utf8' });
  const enabled = systemctl('is-enabled', 'janus.service').stdout.trim();
  const active = systemctl('is-active', 'janus.service').stdout.trim();
  if (enabled !== 'enabled' && active !== 'active') return;
  info('disabling the packaged janus.service (its default config must not be exposed)');
  const result = systemctl('disable', '--now', 'janus.service');
  if (result.status !== 0) warn(`systemctl disable --now janus.service failed: ${result.stderr.trim()}`);
}
