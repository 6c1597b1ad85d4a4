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
      ['backup'],
      ['restore'],
      ['secrets', 'rotate'],
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
    expect(invite.out).toMatch(/http:\/\/localhost:8080\/invite\/[A-Za-z0-9_-]{40,}/);
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

  it('resets, disables and re-enables an account, each audited', { timeout: 120_000 }, async () => {
    expect((await run('migrate')).code).toBe(0);
    expect(
      (await run('user', 'add', '--email', 'lost@parley.example', '--name', 'Lost', '--password', 'x'.repeat(12))).code,
    ).toBe(0);
    const reset = await run('user', 'reset-password', '--email', 'lost@parley.example');
    expect(reset.code, reset.err).toBe(0);
    expect(reset.out).toMatch(/temporary password: \S{12,}/);
    expect((await run('user', 'reset-second-factors', '--email', 'lost@parley.example')).out).toContain(
      'second factors removed',
    );
    expect((await run('user', 'disable', '--email', 'lost@parley.example')).code).toBe(0);
    const twice = await run('user', 'disable', '--email', 'lost@parley.example');
    expect([twice.code, twice.err]).toEqual([1, 'parley: This account is already disabled']);
    expect((await run('user', 'enable', '--email', 'lost@parley.example')).out).toContain('re-enabled');
    const unknown = await run('user', 'disable', '--email', 'nobody@parley.example');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('--email');
    const db = await openDatabase({ databaseUrl: null, dataDir });
    try {
      const rows = (await db.db.execute(
        sql`select action from audit_log where action like 'user.%' order by seq`,
      )) as unknown as { rows: { action: string }[] };
      expect(rows.rows.map((r) => r.action).slice(-4)).toEqual([
        'user.password_reset',
        'user.second_factors_reset',
        'user.disable',
        'user.enable',
      ]);
    } finally {
      await db.close();
    }
  });

  it('backs up and restores into an empty instance only; one process at a time opens the data folder', {
    timeout: 180_000,
  }, async () => {
    // While a process holds the folder, another is refused with the holder named, not let in to corrupt it.
    const held = await openDatabase({ databaseUrl: null, dataDir });
    await expect(run('audit', 'verify')).rejects.toThrow(
      new RegExp(`in use by process ${process.pid} on ${os.hostname()}`),
    );
    await held.close();
    // A lock left by a process that is gone is taken over.
    fs.writeFileSync(
      path.join(dataDir, 'parley.lock'),
      JSON.stringify({ pid: 2 ** 22 + 1, host: os.hostname(), startedAt: '2026-01-01T00:00:00Z', command: 'gone' }),
    );
    expect((await run('audit', 'verify')).code).toBe(0);

    const file = path.join(dataDir, 'backup.json');
    const backup = await run('backup', '-o', file);
    expect(backup.code, backup.err).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-cli-restore-'));
    process.env.DATA_DIR = elsewhere;
    try {
      const restored = await run('restore', file);
      expect(restored.code, restored.err).toBe(0);
      expect(restored.out).toMatch(/audit chain intact: \d+ entries/);
      const again = await run('restore', file);
      expect(again.code).toBe(1);
      expect(again.err).toMatch(/already holds data/);
      const rotated = await run('secrets', 'rotate');
      expect(rotated.code, rotated.err).toBe(0);
      expect(rotated.out).toMatch(/re-sealed \d+ secrets/);
    } finally {
      process.env.DATA_DIR = dataDir;
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
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
