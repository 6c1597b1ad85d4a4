// Support for e2e/backchannel-*.spec.ts: a web build with the debug-only key hook (never the shipped dist), the real
// server on it with PGlite in a temporary directory that outlives the server (so the spec can read its raw files),
// and searches for plaintext and key bytes in everything the server stored.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { expect } from 'vitest';
import { startServer } from '../packages/server/src/server.js';
import { type E2eServer, loopbackConfig, repoRoot, startE2eServer } from './support/server.js';

// Per process: two spec runs on one machine (two checkouts) must not empty each other's build while it is served.
export const HOOK_BUILD = path.join(os.tmpdir(), `parley-web-e2e-key-hook-${process.pid}`);

/** Builds the SPA with VITE_PARLEY_E2E_KEY_HOOK=1 into a temporary directory (the shipped dist never has it). */
export function buildWithKeyHook(): void {
  execFileSync('npx', ['vite', 'build', '--outDir', HOOK_BUILD, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: path.join(repoRoot, 'packages/web'),
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', VITE_PARLEY_E2E_KEY_HOOK: '1' },
  });
}

/**
 * Removes this process's key-hook build (call once its server has stopped). The spec's afterAll does it: the test
 * worker is ended by a signal, so an exit handler would not run.
 */
export function removeKeyHookBuild(): void {
  fs.rmSync(HOOK_BUILD, { recursive: true, force: true });
}

/** The real server on the key-hook build; stop() leaves the data directory for inspection. */
export type HookServer = E2eServer;

export function startHookServer(): Promise<HookServer> {
  return startE2eServer({ webRoot: HOOK_BUILD, dataDirPrefix: 'parley-e2e-bc-', keepDataDir: true });
}

/**
 * The server as `npm start` runs it (the demo loaded through the API on an empty database), on the key-hook build,
 * without the media server; stop() leaves the data directory for inspection.
 */
export async function startDemoHookServer(): Promise<HookServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-e2e-bc-demo-'));
  const config = await loopbackConfig(dataDir, HOOK_BUILD, { JANUS: '0' });
  const running = await startServer(config, { demo: true, janus: false });
  return { url: running.url, app: running.app, ctx: running.ctx, dataDir, stop: () => running.stop() };
}

/** Every row of every table, read straight through PGlite from the data directory (server stopped). */
export async function rawTableDump(dataDir: string): Promise<{ text: string; bytes: Uint8Array[] }> {
  const db = new PGlite(path.join(dataDir, 'pglite'));
  try {
    const tables = await db.query<{ table_name: string }>(
      `select table_schema || '.' || table_name as table_name from information_schema.tables
       where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
    );
    const texts: string[] = [];
    const bytes: Uint8Array[] = [];
    for (const { table_name } of tables.rows) {
      const [schema, name] = table_name.split('.');
      const res = await db.query<Record<string, unknown>>(`select * from "${schema}"."${name}"`);
      for (const row of res.rows)
        for (const v of Object.values(row)) {
          if (v instanceof Uint8Array) bytes.push(v);
          else texts.push(typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
        }
    }
    return { text: texts.join('\n'), bytes };
  } finally {
    await db.close();
  }
}

/** All files of the data directory (heap pages, WAL), as stored on disk. */
export function rawFiles(dir: string): Buffer[] {
  const out: Buffer[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...rawFiles(p));
    else if (entry.isFile()) out.push(fs.readFileSync(p));
  }
  return out;
}

/**
 * Base64 renderings of `data` that must appear in any base64 text containing it, whatever its alignment: for each
 * of the three byte offsets, the characters that depend on `data` alone. Standard and URL-safe alphabets.
 */
export function base64Forms(data: Uint8Array): string[] {
  const out = new Set<string>();
  for (let k = 0; k < 3; k++) {
    const padded = Buffer.concat([Buffer.alloc(k), Buffer.from(data)]);
    let s = padded.toString('base64').replace(/=+$/, '');
    const start = k === 0 ? 0 : 4;
    const usable = Math.floor(padded.length / 3) * 4;
    s = s.slice(start, usable);
    if (s.length >= 8) {
      out.add(s);
      out.add(s.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return [...out];
}

/** Asserts that none of the secrets occurs in the text or byte haystacks, raw, as hex or in base64. */
export function expectAbsent(
  label: string,
  secrets: { name: string; bytes: Uint8Array }[],
  haystack: { text: string; bytes: Buffer[] },
): void {
  for (const secret of secrets) {
    const raw = Buffer.from(secret.bytes);
    const needles = [raw.toString('utf8'), raw.toString('hex'), ...base64Forms(secret.bytes)];
    for (const n of needles) expect(haystack.text.includes(n), `${label}: ${secret.name} found as "${n}"`).toBe(false);
    for (const b of haystack.bytes) {
      expect(b.includes(raw), `${label}: ${secret.name} bytes found`).toBe(false);
      for (const n of needles.slice(1))
        expect(b.includes(Buffer.from(n)), `${label}: ${secret.name} encoded`).toBe(false);
    }
  }
}
