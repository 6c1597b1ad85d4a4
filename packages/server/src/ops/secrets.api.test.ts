import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { Secret, TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { decodeKey, SecretBox, secretBoxLoader } from '../lib/secret-box.js';
import { users } from '../modules/auth/schema.js';
import { openTotpSecret, sealClearTotpSecrets } from '../modules/auth/totp-secret.js';
import { createUser } from '../modules/auth/users.js';
import { createTestApp, type TestApp, TestClient } from '../test-support/app.js';
import { backupInstance } from './backup.js';
import { exportInstance } from './export.js';
import { rotateSecretsKey } from './secrets.js';

const PASSWORD = 'a perfectly fine passphrase';
const codeFor = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) }).generate();
let t: TestApp;
let dir: string;
beforeAll(async () => {
  t = await createTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-secrets-'));
}, 300_000);
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
async function enrolled(): Promise<{ email: string; secret: string; id: string }> {
  const email = `sealed${n++}@test.parley`;
  const user = await createUser(t.ctx, null, { email, displayName: 'Sealed', password: PASSWORD, isAdmin: false });
  const client = await new TestClient(t.app).login(email, PASSWORD);
  const { secret } = (await client.post('/api/account/totp/enrol')).json() as { secret: string };
  expect((await client.post('/api/account/totp/confirm', { code: codeFor(secret) })).statusCode).toBe(200);
  return { email, secret, id: (user as { id: string }).id };
}

async function signsInWithCode(email: string, secret: string): Promise<number> {
  const client = new TestClient(t.app);
  const first = await client.post('/api/auth/login', { email, password: PASSWORD });
  expect(first.json().status).toBe('second_factor_required');
  // A fresh step each time: the replay guard refuses a code already used in this window.
  const [row] = await t.ctx.db.select().from(users).where(eq(users.email, email));
  await t.ctx.db.update(users).set({ totpLastStep: null }).where(eq(users.id, row!.id));
  return (await client.post('/api/auth/login/totp', { code: codeFor(secret) })).statusCode;
}

const storedSecret = async (email: string) =>
  (await t.ctx.db.select({ s: users.totpSecret }).from(users).where(eq(users.email, email)))[0]?.s ?? '';

describe('TOTP secrets at rest', () => {
  it('are sealed with the server key: neither an export nor a backup shows one', async () => {
    const { email, secret } = await enrolled();
    expect(await storedSecret(email)).toMatch(/^sealed:v1:/);
    for (const dump of [JSON.stringify(await exportInstance(t.ctx.db)), JSON.stringify(await backupInstance(t.ctx.db))])
      expect(dump).not.toContain(secret);
    expect(await signsInWithCode(email, secret)).toBe(200);
  });

  it('a secret stored in clear by an earlier release is sealed on start and still works', async () => {
    const email = `clear${n++}@test.parley`;
    await createUser(t.ctx, null, { email, displayName: 'Clear', password: PASSWORD, isAdmin: false });
    const secret = new Secret({ size: 20 }).base32;
    await t.ctx.db.update(users).set({ totpSecret: secret, totpEnabled: true }).where(eq(users.email, email));
    expect(await sealClearTotpSecrets(t.ctx.db, t.ctx.secrets)).toBeGreaterThanOrEqual(1);
    expect(await storedSecret(email)).toMatch(/^sealed:v1:/);
    expect(await sealClearTotpSecrets(t.ctx.db, t.ctx.secrets)).toBe(0);
    expect(await signsInWithCode(email, secret)).toBe(200);
  });

  it('a sealed secret does not open for another user, nor with another key', async () => {
    const { email, id } = await enrolled();
    const stored = await storedSecret(email);
    expect(() => openTotpSecret(t.ctx.secrets, crypto.randomUUID(), stored)).toThrow();
    expect(() => openTotpSecret(() => SecretBox.generate(), id, stored)).toThrow(/sealed with key/);
  });

  it('`secrets rotate` re-seals everything with a new key file and keeps the old one aside', async () => {
    const { email, secret, id } = await enrolled();
    const keyFile = path.join(dir, 'secrets.key');
    fs.writeFileSync(keyFile, t.ctx.secrets().encodedKey());
    const config = loadConfig({ SECRETS_KEY_FILE: keyFile, DATA_DIR: dir });
    const before = await storedSecret(email);
    const report = await rotateSecretsKey(config, t.ctx.db);
    expect(report.resealed).toBeGreaterThanOrEqual(1);
    expect(report.keyFile).toBe(keyFile);
    expect(fs.readFileSync(report.previousKeyFile!, 'utf8').trim()).toBe(t.ctx.secrets().encodedKey());
    const after = await storedSecret(email);
    expect(after).not.toBe(before);
    const fresh = decodeKey(fs.readFileSync(keyFile, 'utf8'), 'test');
    expect(fresh.keyId).not.toBe(t.ctx.secrets().keyId);
    expect(openTotpSecret(() => fresh, id, after)).toBe(secret);
    expect(() => openTotpSecret(t.ctx.secrets, id, after)).toThrow(/sealed with key/);
  });

  it('generates a key into DATA_DIR on first use when none is configured, and warns to back it up', () => {
    const dataDir = path.join(dir, 'fresh');
    const warnings: string[] = [];
    const load = secretBoxLoader(loadConfig({ DATA_DIR: dataDir }).secretsKey, (m) => warnings.push(m));
    expect(fs.existsSync(path.join(dataDir, 'secrets.key'))).toBe(false);
    const box = load();
    expect(fs.statSync(path.join(dataDir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(warnings.join()).toMatch(/Back it up/);
    // A second process reads the same key instead of making another.
    expect(secretBoxLoader(loadConfig({ DATA_DIR: dataDir }).secretsKey, () => {})().keyId).toBe(box.keyId);
  });
});
