import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { type JanusOptions, janusOptionsFromEnv } from '../config.js';
import type { JanusLogger } from '../errors.js';

/** Test helpers for the real-Janus tests (excluded from the build with the tests). */
export const janusInstalled = spawnSync('janus', ['--help'], { stdio: 'ignore' }).status === 0;
if (!janusInstalled)
  console.warn(
    'SKIPPING Janus tests: the `janus` binary is missing. Install it with ' +
      '`apt-get install -y --no-install-recommends janus` (Debian package) to run them.',
  );

export function testJanusOptions(over: Partial<JanusOptions> = {}): JanusOptions {
  const base = janusOptionsFromEnv({ JANUS: '1', JANUS_ICE_ENFORCE_LIST: 'lo' });
  return { ...base, ...over, ice: { ...base.ice, ...over.ice } };
}

export interface CapturedLog extends JanusLogger {
  lines: string[];
}

/** Keeps every log record as one JSON line, like pino would write it. */
export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push(JSON.stringify({ level, ...obj, msg }));
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/** Pids of processes whose command line mentions `needle` (the private config dir names one Janus). */
export function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.includes(needle)) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Local addresses of the listening TCP sockets on `port` (hex from /proc/net/tcp, e.g. 0100007F = 127.0.0.1). */
export function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addr, p] = (cols[1] ?? '').split(':');
      if (p === hexPort && cols[3] === '0A') out.push(addr!);
    }
  }
  return out;
}

export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
