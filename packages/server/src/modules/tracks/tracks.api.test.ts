import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { makeMeeting, makeOutcome, membershipIdOf } from '../outcomes/test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

describe('follow-up tracks', () => {
  it('creates a track with copied sides and experts of each side, overseen by the parent chairs', async () => {
    const chairA = await w.client('chairA');
    const chairB = await w.client('chairB');
    const memberA = await w.client('memberA');
    const memberB = await w.client('memberB');
    const observerA = await w.client('observerA');
    const commitment = await makeOutcome(w, 'memberB', {
      kind: 'commitment',
      text: 'Hold follow-up expert discussions overseen by the group',
    });
    const res = await chairB.post(`/api/outcomes/${commitment.id}/tracks`, {
      name: 'Expert track on courses of action',
      experts: [
        { membershipId: await membershipIdOf(w, 'memberA'), role: 'chair' },
        { membershipId: await membershipIdOf(w, 'memberB') },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const track = res.json();
    expect(track).toMatchObject({
      parentGroupId: w.group.id,
      outcomeId: commitment.id,
      expertCount: 2,
      nextMeeting: null,
    });
    const parentSides = (await chairA.get(`/api/groups/${w.group.id}`)).json().sides;
    const strip = (s: { name: string; shortCode: string; colour: string }[]) =>
      s.map(({ name, shortCode, colour }) => ({ name, shortCode, colour }));
    expect(strip(track.sides)).toEqual(strip(parentSides));

    // Experts are members of the track; parent chairs oversee it; other parent delegates are not in it.
    const asExpert = (await memberA.get(`/api/groups/${track.id}`)).json();
    expect(asExpert).toMatchObject({ kind: 'track', overseeing: false, myMembership: { role: 'chair' } });
    expect(asExpert.myMembership.sideId).toBe(track.sides[0].id);
    expect((await chairB.get(`/api/groups/${track.id}`)).json()).toMatchObject({
      overseeing: true,
      myMembership: null,
    });
    expect((await observerA.get(`/api/groups/${track.id}`)).statusCode).toBe(404);

    // Overseers read shared items of the track but do not write them.
    const o = await memberB.post(`/api/groups/${track.id}/outcomes`, {
      kind: 'action',
      text: 'Draft the options paper',
    });
    expect(o.statusCode, o.body).toBe(201);
    expect((await chairA.get(`/api/groups/${track.id}/outcomes`)).json().outcomes).toHaveLength(1);
    expect((await chairA.post(`/api/groups/${track.id}/outcomes`, { kind: 'action', text: 'x' })).statusCode).toBe(403);

    // The parent lists its tracks with their next shared meeting.
    const meeting = await makeMeeting(w, {
      group: { id: track.id, kind: 'track', parentGroupId: w.group.id },
      daysAhead: 7,
      title: 'In-person expert meeting',
    });
    await makeMeeting(w, { group: { id: track.id, kind: 'track', parentGroupId: w.group.id }, daysAhead: 20 });
    const list = (await observerA.get(`/api/groups/${w.group.id}/tracks`)).json().tracks;
    expect(list.map((x: { id: string }) => x.id)).toEqual([track.id]);
    expect(list[0].nextMeeting).toMatchObject({ id: meeting.id, status: 'planned', format: 'video' });

    // A track's joint statement is drafted by its experts and approved by the parent group's chairs.
    const s = (await memberA.post(`/api/groups/${track.id}/statements`, { text: 'The experts met.' })).json();
    expect(s).toMatchObject({
      approvedBy: 'parent-group-chairs',
      requiredSideIds: track.sides.map((x: { id: string }) => x.id),
    });
    expect((await memberA.post(`/api/statements/${s.id}/approvals`, { textHash: s.textHash })).statusCode).toBe(403);
    const one = (await chairA.post(`/api/statements/${s.id}/approvals`, { textHash: s.textHash })).json();
    expect(one.approvals[0].sideId).toBe(track.sides[0].id);
    const both = (await chairB.post(`/api/statements/${s.id}/approvals`, { textHash: s.textHash })).json();
    expect(both.status).toBe('published');
  });

  it('refuses bad requests naming the field, and creates nothing', async () => {
    const chairA = await w.client('chairA');
    const chairB = await w.client('chairB');
    const memberA = await w.client('memberA');
    const tracksNow = async () => (await chairA.get(`/api/groups/${w.group.id}/tracks`)).json().tracks.length;
    const groupsNow = async () => (await (await w.client('admin')).get('/api/groups')).json().groups.length;
    const [n, g] = [await tracksNow(), await groupsNow()];
    const shared = await makeOutcome(w, 'memberA', { kind: 'agreement', text: 'Talk again' });
    const privateA = await makeOutcome(w, 'memberA', { kind: 'concern', text: 'internal', marking: 'side-only' });
    const expert = { membershipId: await membershipIdOf(w, 'memberA') };
    const post = (c: typeof chairA, id: string, body: unknown) => c.post(`/api/outcomes/${id}/tracks`, body);

    expect((await post(memberA, shared.id, { name: 'T', experts: [expert] })).statusCode).toBe(403);
    expect((await post(chairB, privateA.id, { name: 'T', experts: [expert] })).statusCode).toBe(404);
    const sideOnly = await post(chairA, privateA.id, { name: 'T', experts: [expert] });
    expect(sideOnly.json().errors[0].path).toBe('params.outcomeId');
    const cases: [unknown, string][] = [
      [{ experts: [expert] }, 'body.name'],
      [{ name: 'T', experts: [] }, 'body.experts'],
      [{ name: 'T', experts: [{ membershipId: 'x' }] }, 'body.experts.0.membershipId'],
      [{ name: 'T', experts: [expert, expert] }, 'body.experts.1.membershipId'],
      [{ name: 'T', experts: [expert, { membershipId: w.hiddenMemberA.membershipId }] }, 'body.experts.1.membershipId'],
    ];
    for (const [body, path] of cases) {
      // chairB cannot see side A's side-only delegate, so naming them reads like naming nobody.
      const res = await post(chairB, shared.id, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(res.body).not.toContain(w.hiddenMemberA.name);
    }
    expect([await tracksNow(), await groupsNow()]).toEqual([n, g]);
  });

  it('shows each side all of its own track experts with their agencies, and the other side none of the hidden ones', async () => {
    const chairA = await w.client('chairA');
    const chairB = await w.client('chairB');
    const outcome = await makeOutcome(w, 'memberA', { kind: 'agreement', text: 'Experts to meet' });
    const res = await chairA.post(`/api/outcomes/${outcome.id}/tracks`, {
      name: 'Track with a hidden expert',
      experts: [
        { membershipId: await membershipIdOf(w, 'memberA') },
        { membershipId: w.hiddenMemberA.membershipId },
        { membershipId: await membershipIdOf(w, 'memberB') },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    const track = res.json();
    const [trackA, trackB] = track.sides as { id: string }[];
    type Roster = {
      sides: {
        side: { id: string };
        agencies: { agency: { name: string } | null; roles: { members: { displayName: string }[] }[] }[];
      }[];
    };
    const people = (r: Roster, sideId: string) =>
      r.sides
        .find((s) => s.side.id === sideId)!
        .agencies.flatMap((a) =>
          a.roles.flatMap((x) => x.members.map((m) => `${m.displayName} @ ${a.agency?.name ?? 'No agency'}`)),
        )
        .sort();

    // Side A's overseeing chair sees both of side A's experts, each with their agency.
    const seenByA = (await chairA.get(`/api/groups/${track.id}/roster`)).json() as Roster;
    expect(people(seenByA, trackA!.id)).toEqual([
      'Zelda Hiddenname @ Secret Service A',
      'memberA @ Foreign Ministry A',
    ]);
    expect(people(seenByA, trackB!.id)).toEqual(['memberB @ Foreign Ministry B']);
    // Side B's overseeing chair never learns of the hidden expert or the side-only agency.
    const seenByB = await chairB.get(`/api/groups/${track.id}/roster`);
    expect(people(seenByB.json() as Roster, trackA!.id)).toEqual(['memberA @ Foreign Ministry A']);
    expect(seenByB.body).not.toContain(w.hiddenMemberA.name);
    expect(seenByB.body).not.toContain('Secret Service A');
    // The parent group's list counts the experts each reader may know of.
    const count = async (c: typeof chairA) =>
      (await c.get(`/api/groups/${w.group.id}/tracks`)).json().tracks.find((x: { id: string }) => x.id === track.id)
        .expertCount;
    expect(await count(chairA)).toBe(3);
    expect(await count(chairB)).toBe(2);
  });
});
