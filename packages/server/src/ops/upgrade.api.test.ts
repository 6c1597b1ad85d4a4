import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DEMO_PASSWORD } from '../demo/people.js';
import { InjectClient } from '../lib/inject-client.js';
import { verifyAuditChain } from '../modules/audit/chain.js';
import { users } from '../modules/auth/schema.js';
import { openTotpSecret } from '../modules/auth/totp-secret.js';
import { type RunningServer, startServer } from '../server.js';
import { TEST_SECRETS_KEY } from '../test-support/app.js';
import { emptyPostgresDatabase } from '../test-support/database.js';
import { type Backup, backupInstance } from './backup.js';
import { MlsDevice } from './mls-device.js';
import type { PreviousReleaseState } from './test-support/previous-release.js';

/**
 * The release before migrations became incremental (and before TOTP seeds were sealed). Bump it to the last
 * release whenever one ships, so the test always upgrades from what installations actually run.
 */
const PREVIOUS_RELEASE = '1e87654504260a520885cd133b88c3289446af0d';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const mode = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let work: string;
let env: Record<string, string>;
let disposeDb = async () => {};
let state: PreviousReleaseState;
let before: Backup;
let server: RunningServer | undefined;

/** The previous release's sources from git, sharing this checkout's installed dependencies (equal or compatible). */
function checkOutPreviousRelease(dir: string): void {
  execFileSync('git', ['-C', root, 'cat-file', '-e', `${PREVIOUS_RELEASE}^{commit}`]);
  const tar = path.join(work, 'previous.tar');
  execFileSync('git', ['-C', root, 'archive', '-o', tar, PREVIOUS_RELEASE, 'packages', 'tsconfig.base.json']);
  fs.mkdirSync(dir);
  execFileSync('tar', ['-xf', tar, '-C', dir]);
  // node_modules: every package links to this checkout's, except the workspace's own, which link to the old tree.
  const modules = path.join(dir, 'node_modules');
  fs.mkdirSync(path.join(modules, '@parley'), { recursive: true });
  for (const entry of fs.readdirSync(path.join(root, 'node_modules')))
    if (entry !== '@parley') fs.symlinkSync(path.join(root, 'node_modules', entry), path.join(modules, entry));
  for (const pkg of fs.readdirSync(path.join(dir, 'packages'))) {
    fs.symlinkSync(path.join(dir, 'packages', pkg), path.join(modules, '@parley', pkg));
    const own = path.join(root, 'packages', pkg, 'node_modules');
    if (fs.existsSync(own)) fs.symlinkSync(own, path.join(dir, 'packages', pkg, 'node_modules'));
  }
}

/** Rows as JSON over the given columns: columns that later migrations add are no part of the old rows. */
const rowsOver = (rows: readonly Record<string, unknown>[], columns: readonly string[]) =>
  rows.map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c]])))).sort();

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-upgrade-'));
  const old = path.join(work, 'previous');
  checkOutPreviousRelease(old);
  // Listens on a free port; PUBLIC_URL is the origin the in-process clients send.
  env = {
    PORT: '0',
    HOST: '127.0.0.1',
    PUBLIC_URL: 'http://127.0.0.1:8080',
    LOG_LEVEL: 'warn',
    DATA_DIR: path.join(work, 'data'),
  };
  if (process.env.DATABASE_URL) {
    const db = await emptyPostgresDatabase(process.env.DATABASE_URL);
    env.DATABASE_URL = db.url;
    disposeDb = db.dispose;
  }
  // The previous release, from its own sources, migrates an empty database and writes into it.
  const script = path.join(old, 'packages/server/src/ops/test-support/previous-release.ts');
  fs.mkdirSync(path.dirname(script), { recursive: true });
  fs.copyFileSync(path.join(root, 'packages/server/src/ops/test-support/previous-release.ts'), script);
  const out = path.join(work, 'previous-release.json');
  execFileSync(process.execPath, ['--conditions=source', '--import', 'tsx', script, out], {
    cwd: old,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  state = JSON.parse(fs.readFileSync(out, 'utf8')) as PreviousReleaseState;

  // Every row as the previous release left it, read before the new release touches the database.
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL ?? null, dataDir: env.DATA_DIR! });
  before = await backupInstance(database.db);
  await database.close();

  // The new release starts on that database, as `parley serve` would: migrations, then sealing of old secrets.
  server = await startServer(loadConfig({ ...env, SECRETS_KEY: TEST_SECRETS_KEY }, { webRoot: '/nonexistent' }), {
    janus: false,
  });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await disposeDb();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe(`upgrade from the previous release (${mode})`, () => {
  it('keeps every row; the one change is the TOTP seed, now sealed', { timeout: 180_000 }, async () => {
    const ctx = server!.ctx;
    const after = await backupInstance(ctx.db);
    // Seeds the previous release kept in clear are sealed now; opened, they are the same seeds.
    const [row] = await ctx.db.select().from(users).where(eq(users.email, state.totp.email));
    expect(row?.totpSecret).toMatch(/^sealed:v1:/);
    expect(openTotpSecret(ctx.secrets, row!.id, row!.totpSecret!)).toBe(state.totp.secret);
    const unseal = (t: Backup['tables']) => ({
      ...t,
      users: (t.users ?? []).map((u) => {
        const r = u as { id: string; totp_secret: string | null };
        return r.totp_secret ? { ...r, totp_secret: openTotpSecret(ctx.secrets, r.id, r.totp_secret) } : r;
      }),
    });
    const now: Backup['tables'] = unseal(after.tables);
    for (const [table, rows] of Object.entries(before.tables)) {
      const columns = Object.keys(rows[0] ?? {});
      const kept = rowsOver((now[table] ?? []) as Record<string, unknown>[], columns);
      expect(kept, table).toEqual(expect.arrayContaining(rowsOver(rows as Record<string, unknown>[], columns)));
    }
    expect(Object.values(before.tables).flat().length).toBeGreaterThan(150);
    expect(before.tables.mls_messages?.length).toBeGreaterThan(0);
  });

  it('the audit chain verifies across the upgrade, and new writes extend it', { timeout: 180_000 }, async () => {
    const ctx = server!.ctx;
    const chain = await verifyAuditChain(ctx.db);
    expect(chain.ok).toBe(true);
    expect(chain.checked).toBeGreaterThanOrEqual(before.tables.audit_log!.length);
    expect(before.tables.audit_log!.length).toBeGreaterThan(50);
  });

  it('people sign in, with a password and with the authenticator app enrolled before the upgrade', {
    timeout: 180_000,
  }, async () => {
    const app = server!.app;
    await new InjectClient(app).login('amara.okafor@belmora.example', DEMO_PASSWORD);
    const client = new InjectClient(app);
    const first = await client.post('/api/auth/login', { email: state.totp.email, password: DEMO_PASSWORD });
    expect(first.json().status).toBe('second_factor_required');
    const code = new TOTP({ secret: Secret.fromBase32(state.totp.secret) }).generate({
      timestamp: Date.now() + 30_000,
    });
    const second = await client.post('/api/auth/login/totp', { code });
    expect(second.statusCode, second.body).toBe(200);
  });

  it('the MLS group held before the upgrade goes on: the same devices send and read in the same epoch chain', {
    timeout: 180_000,
  }, async () => {
    const app = server!.app;
    const resume = async (name: 'helena' | 'amara') => {
      const d = state.devices[name];
      const http = await new InjectClient(app).login(d.email, DEMO_PASSWORD);
      const identity = {
        userId: d.userId,
        deviceId: d.deviceId,
        signaturePublicKey: new Uint8Array(Buffer.from(d.publicKey, 'base64')),
        signaturePrivateKey: new Uint8Array(Buffer.from(d.privateKey, 'base64')),
      };
      return MlsDevice.resume(name, http, identity, new Uint8Array(Buffer.from(d.session, 'base64')), d.cursor);
    };
    const helena = await resume('helena');
    const amara = await resume('amara');
    const sent = await amara.send(state.mlsGroupId, 'after the upgrade');
    expect(sent.status).toBe(201);
    await helena.sync(state.mlsGroupId);
    expect(helena.received).toContain('after the upgrade');
    expect((await verifyAuditChain(server!.ctx.db)).ok).toBe(true);
  });
});
