import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../lib/crypto.js';
import { createTestApp, type TestApp, TestClient } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { createUser } from '../auth/users.js';
import { invitations } from './schema.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const NEW_PASSWORD = 'a perfectly fine passphrase';
let n = 0;
const freshEmail = () => `invitee${n++}@test.parley`;

async function invite(body: Record<string, unknown> = {}, persona: 'chairA' | 'admin' = 'chairA') {
  const chair = await w.client(persona);
  const res = await chair.post(`/api/groups/${w.group.id}/invitations`, {
    sideId: w.sideA,
    role: 'member',
    agencyId: w.agencyA,
    title: 'Legal Adviser',
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; token: string; url: string; expiresAt: string };
}

const accept = (token: string, email = freshEmail(), client = new TestClient(t.app)) =>
  client.post('/api/invitations/accept', { token, email, displayName: 'Nia Newcomer', password: NEW_PASSWORD });

describe('invitations', () => {
  it('creates a one-time link, previews it, and the newcomer appears in the right place of the roster', async () => {
    const created = await invite();
    expect(created.url).toBe(`${t.ctx.config.publicUrl}/invite/${created.token}`);
    const [row] = await t.ctx.db.select().from(invitations).where(eq(invitations.id, created.id));
    expect(row?.tokenHash).toBe(sha256Hex(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);

    const preview = await new TestClient(t.app).get(`/api/invitations/${created.token}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      groupName: 'Test Group',
      sideName: 'Side A',
      agencyName: 'Foreign Ministry A',
      role: 'member',
      title: 'Legal Adviser',
      email: null,
    });

    const email = freshEmail();
    const newcomer = new TestClient(t.app);
    const res = await accept(created.token, email, newcomer);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ user: { email, displayName: 'Nia Newcomer' }, groupId: w.group.id });
    // Signed in straight away, and the password works for later logins.
    expect((await newcomer.get('/api/auth/me')).json().user.email).toBe(email);
    await new TestClient(t.app).login(email, NEW_PASSWORD);

    const roster = (await (await w.client('chairB')).get(`/api/groups/${w.group.id}/roster`)).json();
    const sideA = roster.sides.find((s: { side: { id: string } }) => s.side.id === w.sideA);
    const agency = sideA.agencies.find((a: { agency: { id: string } | null }) => a.agency?.id === w.agencyA);
    const members = agency.roles.find((r: { role: string }) => r.role === 'member');
    expect(JSON.stringify(members)).toContain('Nia Newcomer');
    expect(JSON.stringify(members)).toContain('Legal Adviser');
    const pending = (await (await w.client('chairA')).get(`/api/groups/${w.group.id}/invitations`)).json();
    expect(pending.invitations.map((i: { id: string }) => i.id)).not.toContain(created.id);
  });

  it('is single use: a second acceptance and a second preview are 410', async () => {
    const { token } = await invite();
    expect((await accept(token)).statusCode).toBe(201);
    const again = await accept(token);
    expect(again.statusCode).toBe(410);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.json().errors[0].path).toBe('body.token');
    expect((await new TestClient(t.app).get(`/api/invitations/${token}`)).statusCode).toBe(410);
  });

  it('lets exactly one of two racing acceptances win', async () => {
    const { token } = await invite();
    const results = await Promise.all([accept(token), accept(token)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 410]);
  });

  it('refuses expired and unknown links', async () => {
    const { id, token } = await invite();
    await t.ctx.db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, id));
    expect((await new TestClient(t.app).get(`/api/invitations/${token}`)).statusCode).toBe(410);
    expect((await accept(token)).statusCode).toBe(410);
    const unknown = await accept('x'.repeat(43));
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().errors[0].path).toBe('body.token');
  });

  it('holds an addressed invitation to its email, and existing accounts to joining', async () => {
    const addressed = freshEmail();
    const { token } = await invite({ email: addressed });
    const mismatch = await accept(token, freshEmail());
    expect(mismatch.statusCode).toBe(403);
    expect(mismatch.json().errors[0].path).toBe('body.email');

    const taken = freshEmail();
    await createUser(t.ctx, null, { email: taken, displayName: 'Existing', password: NEW_PASSWORD, isAdmin: false });
    const { token: open } = await invite();
    const exists = await accept(open, taken);
    expect(exists.statusCode).toBe(409);
    expect(exists.json().errors[0].path).toBe('body.email');
    // Rolled back as a whole: the link still works.
    expect((await new TestClient(t.app).get(`/api/invitations/${open}`)).statusCode).toBe(200);

    const existing = await new TestClient(t.app).login(taken, NEW_PASSWORD);
    const joined = await existing.post(`/api/invitations/${open}/join`);
    expect(joined.statusCode, joined.body).toBe(200);
    expect((await existing.get(`/api/groups/${w.group.id}`)).json().myMembership).toEqual({
      sideId: w.sideA,
      role: 'member',
    });
    expect((await existing.post(`/api/invitations/${open}/join`)).statusCode).toBe(410);
    expect((await accept(token, addressed)).statusCode).toBe(201);
  });

  it('keeps each side to its own invitations', async () => {
    const chairB = await w.client('chairB');
    const cross = await chairB.post(`/api/groups/${w.group.id}/invitations`, { sideId: w.sideA, role: 'chair' });
    expect(cross.statusCode).toBe(403);
    const member = await (await w.client('memberA')).post(`/api/groups/${w.group.id}/invitations`, {
      sideId: w.sideA,
      role: 'member',
    });
    expect(member.statusCode).toBe(403);
    const wrongAgency = await (await w.client('chairA')).post(`/api/groups/${w.group.id}/invitations`, {
      sideId: w.sideA,
      role: 'member',
      agencyId: w.agencyB,
    });
    expect(wrongAgency.statusCode).toBe(404);
    expect(wrongAgency.json().errors[0].path).toBe('body.agencyId');

    const a = await invite({ email: 'only-side-a@test.parley', marking: 'side-only' });
    const own = await (await w.client('chairB')).post(`/api/groups/${w.group.id}/invitations`, {
      sideId: w.sideB,
      role: 'member',
    });
    expect(own.statusCode).toBe(201);
    const listB = await chairB.get(`/api/groups/${w.group.id}/invitations`);
    expect(listB.statusCode).toBe(200);
    expect(listB.body).not.toContain('only-side-a@test.parley');
    expect(listB.json().invitations.every((i: { sideId: string }) => i.sideId === w.sideB)).toBe(true);
    const listAdmin = (await (await w.client('admin')).get(`/api/groups/${w.group.id}/invitations`)).json();
    expect(listAdmin.invitations.map((i: { id: string }) => i.id)).toEqual(
      expect.arrayContaining([a.id, own.json().id]),
    );

    expect((await chairB.delete(`/api/groups/${w.group.id}/invitations/${a.id}`)).statusCode).toBe(404);
    expect((await (await w.client('memberA')).delete(`/api/groups/${w.group.id}/invitations/${a.id}`)).statusCode).toBe(
      403,
    );
    expect((await (await w.client('chairA')).delete(`/api/groups/${w.group.id}/invitations/${a.id}`)).statusCode).toBe(
      200,
    );
    expect((await new TestClient(t.app).get(`/api/invitations/${a.token}`)).statusCode).toBe(404);
  });

  it('adds a side-only invitee as a hidden delegate', async () => {
    const { token } = await invite({ marking: 'side-only', title: 'Quiet Analyst' });
    expect((await accept(token)).statusCode).toBe(201);
    const rosterB = await (await w.client('chairB')).get(`/api/groups/${w.group.id}/roster`);
    expect(rosterB.body).not.toContain('Quiet Analyst');
    const rosterA = await (await w.client('memberA')).get(`/api/groups/${w.group.id}/roster`);
    expect(rosterA.body).toContain('Quiet Analyst');
  });
});
