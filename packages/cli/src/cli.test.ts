import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '@parley/server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from './index.js';

let dataDir: string;
const saved = { ...process.env };

/** Runs the CLI in-process against a PGlite database on disk, capturing what it prints. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  process.exitCode = undefined;
  try {
    const code = await main(['node', 'parley', ...args]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    process.exitCode = undefined;
    for (const s of [log, error, write, stderr]) s.mockRestore();
  }
}

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-'));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
});
afterAll(() => {
  process.env = saved;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('parley CLI', () => {
  it('prints help for every command', async () => {
    for (const cmd of [
      [],
      ['serve'],
      ['migrate'],
      ['demo', 'load'],
      ['user', 'add'],
      ['audit', 'verify'],
      ['export'],
    ]) {
      const r = await run(...cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/Usage: parley/);
    }
  });

  it('fails clearly on unknown commands and bad options', async () => {
    const r = await run('frobnicate');
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/unknown command/);
    const bad = await run('user', 'add', '--email', 'not-an-email', '--name', 'X');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/--email/);
  });

  it('migrates, loads the demo once, adds a user, verifies the audit chain and exports', {
    timeout: 180_000,
  }, async () => {
    expect((await run('migrate')).code).toBe(0);
    const demo = await run('demo', 'load');
    expect(demo.code, demo.err).toBe(0);
    expect(demo.out).toContain('helena.varga@aldoria.example');
    const again = await run('demo', 'load');
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/not empty/);
    const add = await run('user', 'add', '--email', 'clerk@parley.example', '--name', 'Clerk');
    expect(add.code).toBe(0);
    const password = /initial password: (\S+)/.exec(add.out)?.[1];
    expect(password).toBeTruthy();
    expect((await run('user', 'add', '--email', 'clerk@parley.example', '--name', 'Clerk')).code).toBe(1);
    const invite = await run(
      'invite',
      '--group',
      'Strategic Consultative Group',
      '--side',
      'BEL',
      '--role',
      'member',
      '--agency',
      'Ministry of Energy',
      '--title',
      'Analyst',
    );
    expect(invite.code, invite.err).toBe(0);
    expect(invite.out).toMatch(/http:\/\/127\.0\.0\.1:8080\/invite\/[A-Za-z0-9_-]{40,}/);
    const noSide = await run('invite', '--group', 'Strategic Consultative Group', '--side', 'XYZ', '--role', 'member');
    expect(noSide.code).toBe(1);
    expect(noSide.err).toMatch(/--side/);
    const verify = await run('audit', 'verify');
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/intact: \d+ entries/);
    const file = path.join(dataDir, 'export.json');
    expect((await run('export', '--out', file)).code).toBe(0);
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(exported.format).toBe('parley-export/1');
    expect(exported.tables.users.length).toBeGreaterThan(10);
    // 12 delegates of the group and the 4 experts of its follow-up track.
    expect(exported.tables.memberships.length).toBe(16);
    expect(fs.readFileSync(file, 'utf8')).not.toContain(password!);
  });

  it('names the first bad row when the audit log was tampered with', async () => {
    const db = await openDatabase({ databaseUrl: null, dataDir });
    await db.db.execute(sql`update audit_log set actor_user_id = null where seq = 7`);
    await db.close();
    const r = await run('audit', 'verify');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/seq=7/);
  });

  it('prints each start-up step with its time and, when one fails, names it and what to do', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    Object.assign(process.env, { PORT: String(port), HOST: '127.0.0.1' });
    const lines: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...a) => void lines.push(a.join(' ')));
    try {
      const failed = await main(['node', 'parley', 'serve', '--no-janus']).then(
        () => null,
        (err: Error) => err.message,
      );
      expect(failed).toMatch(
        new RegExp(`^start-up step "listen on 127\\.0\\.0\\.1:${port}" failed after \\d+\\.\\d s: `),
      );
      expect(failed).toMatch(new RegExp(`\nWhat to do: .*PORT=${port + 1} npm start`));
    } finally {
      log.mockRestore();
      delete process.env.PORT;
      delete process.env.HOST;
      await new Promise((resolve) => busy.close(resolve));
    }
    expect(lines.join('\n')).toMatch(/database: open PGlite in .+ and apply migrations: done in \d+\.\d s/);
  });
});
