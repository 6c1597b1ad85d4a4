import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type TestClient } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { auditLog } from '../audit/schema.js';
import { passkeys } from '../auth/schema.js';

let t: TestApp;
let w: World;
let chairA: TestClient;
let chairB: TestClient;
let admin: TestClient;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  [chairA, chairB, admin] = await Promise.all([w.client('chairA'), w.client('chairB'), w.client('admin')]);
});
afterAll(() => t.close());

const ask = (c: TestClient, userId: string, kind: string, note = '') =>
  c.post(`/api/groups/${w.group.id}/account-requests`, { userId, kind, note });

describe('a chair asks the administrator for help with an account', () => {
  it('only for the chair’s own side, the same "not found" for everyone else, hidden or not', async () => {
    expect((await ask(chairA, w.users.memberB.id, 'reset_password')).json().errors).toEqual([
      { path: 'body.userId', message: 'nobody of your delegation has this account', code: 'not_in_delegation' },
    ]);
    const hidden = await ask(chairB, w.hiddenMemberA.id, 'disable');
    const nobody = await ask(chairB, '00000000-0000-4000-8000-000000000000', 'disable');
    expect([hidden.statusCode, hidden.json().errors]).toEqual([nobody.statusCode, nobody.json().errors]);
    expect(hidden.statusCode).toBe(404);
    const member = await w.client('memberA');
    expect((await ask(member, w.users.observerA.id, 'disable')).statusCode).toBe(403);
  });

  it('is seen by the administrator, carried out in one audited step, and answered to the chair', async () => {
    await t.ctx.db.insert(passkeys).values({
      userId: w.users.memberA.id,
      credentialId: 'lost-phone',
      publicKey: 'x',
      name: 'Lost phone',
    });
    const made = await ask(chairA, w.users.memberA.id, 'reset_second_factors', 'Lost her phone on the way home');
    expect(made.statusCode, made.body).toBe(201);
    const request = made.json() as { id: string; status: string };
    expect(request).toMatchObject({
      status: 'open',
      kind: 'reset_second_factors',
      subject: { id: w.users.memberA.id },
      requestedBy: { id: w.users.chairA.id },
    });
    expect((await ask(chairA, w.users.memberA.id, 'reset_second_factors')).statusCode).toBe(409);

    const listed = (await admin.get('/api/admin/account-requests')).json().requests as { id: string; note: string }[];
    expect(listed.find((r) => r.id === request.id)?.note).toBe('Lost her phone on the way home');
    // The other side's chair learns nothing of it.
    expect((await chairB.get(`/api/groups/${w.group.id}/account-requests`)).body).not.toContain(request.id);

    const done = await admin.post(`/api/admin/account-requests/${request.id}/resolve`, { decision: 'carry_out' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ request: { status: 'done' }, temporaryPassword: null });
    expect(await t.ctx.db.select().from(passkeys).where(eq(passkeys.userId, w.users.memberA.id))).toEqual([]);
    expect(
      (await admin.post(`/api/admin/account-requests/${request.id}/resolve`, { decision: 'decline' })).statusCode,
    ).toBe(409);
    const mine = (await chairA.get(`/api/groups/${w.group.id}/account-requests`)).json().requests;
    expect(mine.find((r: { id: string }) => r.id === request.id)).toMatchObject({ status: 'done' });

    const actions = (await t.ctx.db.select().from(auditLog)).map((a) => a.action);
    expect(actions).toEqual(
      expect.arrayContaining(['account_help.request', 'account_help.carry_out', 'user.second_factors_reset']),
    );
  });

  it('a password reset carried out gives the administrator a temporary password; a declined one changes nothing', async () => {
    const reset = (await ask(chairA, w.users.observerA.id, 'reset_password')).json() as { id: string };
    const res = await admin.post(`/api/admin/account-requests/${reset.id}/resolve`, { decision: 'carry_out' });
    expect(res.json().temporaryPassword).toMatch(/^.{12,}$/);
    const disable = (await ask(chairA, w.users.observerA.id, 'disable')).json() as { id: string };
    const declined = await admin.post(`/api/admin/account-requests/${disable.id}/resolve`, { decision: 'decline' });
    expect(declined.json()).toMatchObject({ request: { status: 'declined' }, temporaryPassword: null });
    const users = (await admin.get('/api/admin/users')).json().users as { id: string; disabled: boolean }[];
    expect(users.find((u) => u.id === w.users.observerA.id)?.disabled).toBe(false);
  });
});
