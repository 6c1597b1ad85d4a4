import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { entryHash, verifyAuditChain } from './chain.js';
import { auditLog } from './schema.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

describe('hash-chained audit log', () => {
  it('records every write of the world in one intact chain', async () => {
    const report = await verifyAuditChain(t.ctx.db);
    expect(report).toMatchObject({ ok: true, firstBadSeq: null });
    expect(report.checked).toBeGreaterThan(15);
  });

  it('rolls the audit entry back with a failed write', async () => {
    const before = await verifyAuditChain(t.ctx.db);
    const a = await w.client('chairA');
    const res = await a.post(`/api/groups/${w.group.id}/memberships`, {
      email: w.users.memberA.email,
      sideId: w.sideA,
      role: 'member',
    });
    expect(res.statusCode).toBe(409);
    expect((await verifyAuditChain(t.ctx.db)).checked).toBe(before.checked);
  });

  it('shows side B only shared entries and its own side’s', async () => {
    const b = await w.client('chairB');
    const res = await b.get(`/api/groups/${w.group.id}/audit?limit=500`);
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as { marking: string; sideId: string | null }[];
    expect(entries.length).toBeGreaterThan(3);
    expect(entries.filter((e) => e.marking === 'side-only' && e.sideId !== w.sideB)).toEqual([]);
    expect(res.body).not.toContain(w.hiddenAgencyA);
    const a = (await (await w.client('chairA')).get(`/api/groups/${w.group.id}/audit?limit=500`)).json().entries as {
      marking: string;
    }[];
    expect(a.some((e) => e.marking === 'side-only')).toBe(true);
  });

  it('names the first edited row, then the row where a deletion broke the chain', async () => {
    const rows = await t.ctx.db.select().from(auditLog).orderBy(auditLog.seq);
    const edited = rows[5]!;
    await t.ctx.db.execute(sql`update audit_log set action = 'group.delete' where seq = ${edited.seq}`);
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({ ok: false, firstBadSeq: edited.seq });
    await t.ctx.db.execute(sql`update audit_log set action = ${edited.action} where seq = ${edited.seq}`);
    expect((await verifyAuditChain(t.ctx.db)).ok).toBe(true);
    // Rewriting the hash too does not help: the next row's prevHash no longer matches.
    const forged = { ...edited, action: 'group.delete' };
    await t.ctx.db.execute(
      sql`update audit_log set action = 'group.delete', hash = ${entryHash(forged)} where seq = ${edited.seq}`,
    );
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({ ok: false, firstBadSeq: edited.seq + 1 });
    await t.ctx.db.execute(
      sql`update audit_log set action = ${edited.action}, hash = ${edited.hash} where seq = ${edited.seq}`,
    );
    const deleted = rows[8]!;
    await t.ctx.db.execute(sql`delete from audit_log where seq = ${deleted.seq}`);
    expect(await verifyAuditChain(t.ctx.db)).toMatchObject({ ok: false, firstBadSeq: deleted.seq });
  });
});
