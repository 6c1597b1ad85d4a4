import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/load.js';
import { DEMO_PASSWORD } from '../demo/people.js';
import { InjectClient } from '../lib/inject-client.js';
import { verifyAuditChain } from '../modules/audit/chain.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { type Backup, backupInstance, RestoreRefused, restoreInstance } from './backup.js';
import { AMARA, HELENA, type KeyedGroup, keyGroupOfChairs, moveDevices } from './test-support/keyed-group.js';

// On PGlite, or on PostgreSQL when DATABASE_URL is set (each test app gets its own database).
let source: TestApp;
let target: TestApp | undefined;
let keyed: KeyedGroup;
beforeAll(async () => {
  source = await createTestApp();
  await loadDemo(source.app, source.ctx);
  keyed = await keyGroupOfChairs(source.app);
}, 300_000);
afterAll(async () => {
  await target?.close();
  await source.close();
});

/** Rows in a stable order: json_agg returns them in whatever order the table scan met them. */
const sorted = (tables: Backup['tables']) =>
  Object.fromEntries(Object.entries(tables).map(([name, rows]) => [name, rows.map((r) => JSON.stringify(r)).sort()]));

describe('backup and restore', () => {
  it('restores every row into an empty instance: the audit chain holds, people sign in, the MLS group goes on', {
    timeout: 300_000,
  }, async () => {
    // Through a file's worth of JSON, as `parley backup` writes it.
    const backup = JSON.parse(JSON.stringify(await backupInstance(source.ctx.db))) as Backup;
    const before = await verifyAuditChain(source.ctx.db);
    expect(backup.tables.mls_messages?.length).toBeGreaterThan(0);
    expect(backup.tables.device_key_log?.length).toBeGreaterThan(0);

    target = await createTestApp();
    const report = await restoreInstance(target.ctx.db, backup);
    expect(report.rows).toBe(Object.values(backup.tables).reduce((n, t) => n + t.length, 0));
    expect(sorted((await backupInstance(target.ctx.db)).tables)).toEqual(sorted(backup.tables));
    const after = await verifyAuditChain(target.ctx.db);
    expect(after).toMatchObject({ ok: true, checked: before.checked });

    // People sign in; the back channel still shows its ciphertext, and the device log its entries.
    const amara = await new InjectClient(target.app).login(AMARA, DEMO_PASSWORD);
    const messages = await amara.get(
      `/api/mls/groups/${keyed.mlsGroupId}/messages?deviceId=${keyed.amara.deviceId}&afterSeq=0`,
    );
    expect(messages.statusCode).toBe(200);
    const stored = new Set(
      backup.tables.mls_messages?.map((m) =>
        Buffer.from((m as { message: string }).message.slice(2), 'hex').toString('base64'),
      ),
    );
    const shown = messages.json().messages.map((m: { message: string }) => m.message) as string[];
    expect(shown.length).toBeGreaterThan(0);
    for (const m of shown) expect(stored.has(m)).toBe(true);

    // The restored Delivery Service carries on from the same key state: the next message is accepted and read.
    await moveDevices(keyed, target.app);
    const sent = await keyed.amara.send(keyed.mlsGroupId, 'after the restore');
    expect(sent.status).toBe(201);
    await keyed.helena.sync(keyed.mlsGroupId);
    expect(keyed.helena.received).toContain('after the restore');
    expect(await verifyAuditChain(target.ctx.db)).toMatchObject({ ok: true });
    expect((await new InjectClient(target.app).login(HELENA, DEMO_PASSWORD)).cookie).toBeTruthy();
  });

  it('refuses an instance that holds data, and a file that is not a backup', async () => {
    const backup = await backupInstance(source.ctx.db);
    await expect(restoreInstance(source.ctx.db, backup)).rejects.toThrow(RestoreRefused);
    await expect(restoreInstance(source.ctx.db, backup)).rejects.toThrow(/already holds data/);
    await expect(restoreInstance(source.ctx.db, { format: 'something' } as unknown as Backup)).rejects.toThrow(
      /not a Parley backup/,
    );
    await expect(restoreInstance(source.ctx.db, { ...backup, migrations: ['older'] })).rejects.toThrow(
      /schema version/,
    );
  });
});
