import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, sessionCookieFor, type World } from '../../test-support/world.js';
import { makeMeeting } from '../outcomes/test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

describe('readouts', () => {
  it('keeps every save as a version with its author, side-only until a chair of that side publishes', async () => {
    const memberA = await w.client('memberA');
    const chairA = await w.client('chairA');
    const chairB = await w.client('chairB');
    const anon = await w.client('anonymous');
    const meeting = await makeMeeting(w, { title: 'Secure video session' });
    const res = await memberA.post(`/api/groups/${w.group.id}/readouts`, {
      meetingId: meeting.id,
      title: 'Readout of the consultation',
      text: 'DRAFT-ONE the delegations met by secure video.',
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ status: 'draft', version: 1, sideId: w.sideA, meetingId: meeting.id });

    const v2 = await chairA.post(`/api/readouts/${r.id}/versions`, {
      text: 'The delegations met by secure video for two hours.',
      baseVersion: 1,
    });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json().version).toBe(2);
    expect(v2.json().title).toBe('Readout of the consultation');
    expect(v2.json().authors.map((a: { name: string }) => a.name)).toEqual(['memberA', 'chairA']);
    // A save from a stale version would overwrite someone else's: 409 with the current version.
    const stale = await memberA.post(`/api/readouts/${r.id}/versions`, { text: 'lost update', baseVersion: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().currentState).toEqual({ version: 2 });
    // The hidden side-only delegate of side A writes too; side B must not learn their name from the byline.
    const hidden = await t.app.inject({
      method: 'POST',
      url: `/api/readouts/${r.id}/versions`,
      headers: {
        cookie: await sessionCookieFor(t.ctx, w.hiddenMemberA.id),
        origin: 'http://127.0.0.1:8080',
        'content-type': 'application/json',
      },
      payload: JSON.stringify({
        text: 'The delegations met by secure video for two hours. Both spoke.',
        baseVersion: 2,
      }),
    });
    expect(hidden.statusCode, hidden.body).toBe(201);

    const versions = (await memberA.get(`/api/readouts/${r.id}/versions`)).json().versions;
    expect(versions.map((v: { version: number; author: { name: string } }) => [v.version, v.author.name])).toEqual([
      [1, 'memberA'],
      [2, 'chairA'],
      [3, w.hiddenMemberA.name],
    ]);

    // Side B, the operator and the public see nothing of the draft.
    for (const url of [`/api/readouts/${r.id}`, `/api/readouts/${r.id}/versions`]) {
      expect((await chairB.get(url)).statusCode).toBe(404);
    }
    const listB = (await chairB.get(`/api/groups/${w.group.id}/readouts`)).body;
    expect(listB).not.toContain(r.id);
    expect((await anon.get('/statements')).body).not.toContain('secure video for two hours');

    // Only a chair of side A publishes, and only the version they read.
    expect((await memberA.post(`/api/readouts/${r.id}/publish`, { version: 3 })).statusCode).toBe(403);
    expect((await chairB.post(`/api/readouts/${r.id}/publish`, { version: 3 })).statusCode).toBe(404);
    expect((await chairA.post(`/api/readouts/${r.id}/publish`, { version: 2 })).statusCode).toBe(409);
    const pub = await chairA.post(`/api/readouts/${r.id}/publish`, { version: 3 });
    expect(pub.statusCode, pub.body).toBe(200);
    expect(pub.json()).toMatchObject({ status: 'published', publishedVersion: 3 });
    expect((await memberA.post(`/api/readouts/${r.id}/versions`, { text: 'later', baseVersion: 3 })).statusCode).toBe(
      409,
    );

    // Now side B reads the published text, without the drafting history or the hidden author.
    const seenB = await chairB.get(`/api/readouts/${r.id}`);
    expect(seenB.statusCode).toBe(200);
    expect(seenB.json().text).toContain('Both spoke.');
    expect(seenB.json().authors.map((a: { name: string }) => a.name)).toEqual(['memberA', 'chairA']);
    expect(seenB.body).not.toContain(w.hiddenMemberA.name);
    expect(seenB.body).not.toContain(w.hiddenMemberA.id);
    expect((await chairB.get(`/api/readouts/${r.id}/versions`)).statusCode).toBe(404);
    const page = (await anon.get('/statements')).body;
    expect(page).toContain('Readout of the consultation');
    expect(page).not.toContain('DRAFT-ONE');
  });

  it('allows one readout per side and meeting, and rejects bad input without storing anything', async () => {
    const memberA = await w.client('memberA');
    const memberB = await w.client('memberB');
    const meeting = await makeMeeting(w);
    const url = `/api/groups/${w.group.id}/readouts`;
    const a = await memberA.post(url, { meetingId: meeting.id, title: 'A', text: 'A view' });
    expect(a.statusCode).toBe(201);
    const again = await memberA.post(url, { meetingId: meeting.id, title: 'A2', text: 'A view' });
    expect(again.statusCode).toBe(409);
    expect(again.json().currentState).toEqual({ readoutId: a.json().id });
    // Side B drafting its own readout of the same meeting learns nothing about side A's.
    const b = await memberB.post(url, { meetingId: meeting.id, title: 'B', text: 'B view' });
    expect(b.statusCode).toBe(201);
    expect(b.body).not.toContain(a.json().id);

    const before = (await memberA.get(url)).json().readouts.length;
    const privateB = await makeMeeting(w, { marking: 'side-only', sideId: w.sideB });
    const cases: [unknown, string][] = [
      [{ meetingId: meeting.id, title: '', text: 'x' }, 'body.title'],
      [{ meetingId: 'nope', title: 't', text: 'x' }, 'body.meetingId'],
      [{ meetingId: privateB.id, title: 't', text: 'x' }, 'body.meetingId'],
      [{ title: 't', text: 'x' }, 'body.meetingId'],
    ];
    for (const [body, path] of cases) {
      const res = await memberA.post(url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const bad = await memberA.post(`/api/readouts/${a.json().id}/versions`, { text: 'x', baseVersion: 0 });
    expect(bad.json().errors[0].path).toBe('body.baseVersion');
    expect((await memberA.get(url)).json().readouts.length).toBe(before);
    expect((await memberA.get(`/api/readouts/${a.json().id}`)).json().version).toBe(1);
  });

  it("keeps a readout's language and second-language text across saves, and publishes them", async () => {
    const memberB = await w.client('memberB');
    const chairB = await w.client('chairB');
    const meeting = await makeMeeting(w, { title: 'Bilingual session' });
    const bad = await memberB.post(`/api/groups/${w.group.id}/readouts`, {
      meetingId: meeting.id,
      title: 'Compte rendu',
      text: 'Les délégations se sont réunies.',
      language: 'french',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toContain('body.language');
    const res = await memberB.post(`/api/groups/${w.group.id}/readouts`, {
      meetingId: meeting.id,
      title: 'Compte rendu',
      text: 'Les délégations se sont réunies.',
      language: 'fr',
      secondLanguage: 'ar',
      secondText: 'اجتمعت الوفود.',
    });
    expect(res.statusCode, res.body).toBe(201);
    const r = res.json();
    expect(r).toMatchObject({ language: 'fr', secondLanguage: 'ar', secondText: 'اجتمعت الوفود.' });
    // A save that names no language keeps the version's languages; removing the second language but not its
    // text would leave half of one, and is refused naming the field sent.
    const half = await memberB.post(`/api/readouts/${r.id}/versions`, {
      text: 'x',
      secondLanguage: null,
      baseVersion: 1,
    });
    expect(half.statusCode).toBe(400);
    expect(half.json().errors.map((e: { path: string }) => e.path)).toContain('body.secondLanguage');
    const v2 = await memberB.post(`/api/readouts/${r.id}/versions`, {
      text: 'Les délégations se sont réunies deux heures.',
      baseVersion: 1,
    });
    expect(v2.statusCode, v2.body).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2, language: 'fr', secondLanguage: 'ar', secondText: 'اجتمعت الوفود.' });
    expect((await chairB.post(`/api/readouts/${r.id}/publish`, { version: 2 })).statusCode).toBe(200);
    const page = (await (await w.client('anonymous')).get(`/statements/${r.id}`)).body;
    expect(page).toContain('<h1 dir="auto" lang="fr">Compte rendu</h1>');
    expect(page).toContain('<section class="text" lang="ar" dir="rtl">');
  });
});
