import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

describe('roster', () => {
  it('groups side → agency → role, and hides side A’s side-only delegates from side B', async () => {
    const a = await w.client('memberA');
    const b = await w.client('chairB');
    const rosterA = (await a.get(`/api/groups/${w.group.id}/roster`)).json();
    const resB = await b.get(`/api/groups/${w.group.id}/roster`);
    expect(resB.statusCode).toBe(200);
    expect(rosterA.sides.map((s: { side: { shortCode: string } }) => s.side.shortCode)).toEqual(['AAA', 'BBB']);
    const sideA = rosterA.sides[0];
    const fm = sideA.agencies.find((x: { agency: { name: string } | null }) => x.agency?.name === 'Foreign Ministry A');
    expect(fm.roles.map((r: { role: string }) => r.role)).toEqual(['chair', 'member', 'observer']);
    expect(JSON.stringify(rosterA)).toContain(w.hiddenMemberA.name);
    expect(resB.body).not.toContain(w.hiddenMemberA.name);
    expect(resB.body).not.toContain('Secret Service A');
    expect(resB.body).not.toContain(w.hiddenAgencyA);
  });

  it('lets a chair manage their own side’s delegation but not the other side’s', async () => {
    const a = await w.client('chairA');
    const ok = await a.post(`/api/groups/${w.group.id}/sides/${w.sideA}/agencies`, { name: 'Defence A' });
    expect(ok.statusCode).toBe(201);
    const no = await a.post(`/api/groups/${w.group.id}/sides/${w.sideB}/agencies`, { name: 'Defence B' });
    expect(no.statusCode).toBe(403);
    expect(no.headers['content-type']).toContain('application/problem+json');
  });

  it('answers outsiders with 404 so group ids cannot be probed', async () => {
    const o = await w.client('outsider');
    expect((await o.get(`/api/groups/${w.group.id}/roster`)).statusCode).toBe(404);
    expect((await (await w.client('anonymous')).get(`/api/groups/${w.group.id}/roster`)).statusCode).toBe(401);
  });
});
