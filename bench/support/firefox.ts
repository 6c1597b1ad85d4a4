// Debian's Firefox ESR for the media bench, driven over WebDriver BiDi like the end-to-end tests
// (e2e/support/firefox.ts, which imports vitest and so cannot be loaded here), and the CPU of its processes.
import fs from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

const FIREFOX = '/usr/bin/firefox-esr';

export async function launchBenchFirefox(): Promise<Browser> {
  if (!fs.existsSync(FIREFOX)) throw new Error(`${FIREFOX} is missing (npm test installs it)`);
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    extraPrefsFirefox: {
      'media.navigator.streams.fake': true,
      'media.navigator.permission.disabled': true,
      // The senders' candidates are on loopback, in the clear.
      'media.peerconnection.ice.loopback': true,
      'media.peerconnection.ice.obfuscate_host_addresses': false,
    },
  });
}

/** Clock ticks per second of /proc's utime and stime (USER_HZ: 100 on Linux for every architecture Debian ships). */
const USER_HZ = 100;

/**
 * CPU seconds (user + system) used so far by process `root` and every process below it, read from /proc: Firefox has
 * no counterpart of Chromium's SystemInfo.getProcessInfo. A process that exits between two readings takes its
 * time with it; the bench opens and closes pages outside the measured window, so none does inside it.
 */
export function processTreeCpu(root: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // Fields after the command name (which may hold spaces and parentheses): state ppid ... utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let sum = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    sum += ticks.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return sum / USER_HZ;
}
