import { createHash } from 'node:crypto';
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

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const create = async (text: string) => {
  const res = await (await w.client('memberA')).post(`/api/groups/${w.group.id}/statements`, { text });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; textHash: string };
};

describe('joint statements', () => {
  it('publishes only when a chair of every side approved the exact text', async () => {
    const chairA = await w.client('chairA');
    const chairB = await w.client('chairB');
    const memberB = await w.client('memberB');
    const anon = await w.client('anonymous');
    const v1 = 'The two sides agreed on a shared objective.';
    const s = await create(v1);
    expect(s.textHash).toBe(sha(v1));

    const approved = await chairA.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v1) });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().approvals.map((a: { sideId: string }) => a.sideId)).toEqual([w.sideA]);
    expect(approved.json().status).toBe('draft');
    expect((await memberB.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v1) })).statusCode).toBe(403);

    // An edit voids every approval.
    const v2 = `${v1} Expert talks follow next week.`;
    const edited = await memberB.patch(`/api/statements/${s.id}`, { text: v2, baseHash: sha(v1) });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ textHash: sha(v2), revision: 2, approvals: [] });
    // Approving the text one read before the edit is refused, naming the current hash.
    const late = await chairB.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v1) });
    expect(late.statusCode).toBe(409);
    expect(late.json().currentState).toMatchObject({ textHash: sha(v2), revision: 2 });
    // So is an edit made from a stale copy.
    expect((await chairA.patch(`/api/statements/${s.id}`, { text: 'x', baseHash: sha(v1) })).statusCode).toBe(409);
    expect((await anon.get(`/statements/${s.id}`)).statusCode).toBe(404);

    expect((await chairB.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v2) })).json().status).toBe('draft');
    const done = (await chairA.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v2) })).json();
    expect(done.status).toBe('published');
    expect(done.approvals).toHaveLength(2);
    expect(done.publishedAt).not.toBeNull();
    expect((await memberB.patch(`/api/statements/${s.id}`, { text: 'after', baseHash: sha(v2) })).statusCode).toBe(409);
    const page = await anon.get(`/statements/${s.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Expert talks follow next week.');
  });

  it('decides an approval racing an edit in the database, the same way every time', async () => {
    const chairA = await w.client('chairA');
    const chairB = await w.client('chairB');
    const memberA = await w.client('memberA');
    for (let round = 0; round < 4; round++) {
      const v1 = `Race ${round}: original text.`;
      const v2 = `Race ${round}: edited text.`;
      const s = await create(v1);
      await chairA.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v1) });
      // chairB's approval would complete the statement; memberA's edit would void chairA's approval.
      // Which one the database sees first is up to it; alternating the issue order lets both outcomes occur.
      const approving = () => chairB.post(`/api/statements/${s.id}/approvals`, { textHash: sha(v1) });
      const editing = () => memberA.patch(`/api/statements/${s.id}`, { text: v2, baseHash: sha(v1) });
      const [approve, edit] =
        round % 2 === 0
          ? await Promise.all([approving(), editing()])
          : await Promise.all([editing(), approving()]).then(([e, a]) => [a, e] as const);
      const final = (await chairA.get(`/api/statements/${s.id}`)).json();
      if (approve.statusCode === 200) {
        // The approval came first and published v1; the edit then met a final text.
        expect(edit.statusCode).toBe(409);
        expect(final).toMatchObject({ status: 'published', text: v1, textHash: sha(v1) });
        expect(final.approvals).toHaveLength(2);
      } else {
        // The edit came first: the approval named a stale hash and nothing was published.
        expect(approve.statusCode).toBe(409);
        expect(approve.json().currentState.textHash).toBe(sha(v2));
        expect(edit.statusCode).toBe(200);
        expect(final).toMatchObject({ status: 'draft', text: v2, textHash: sha(v2), approvals: [] });
      }
    }
  });

  it('rejects bad input naming the field and leaves the statement unchanged', async () => {
    const memberA = await w.client('memberA');
    const chairA = await w.client('chairA');
    const s = await create('Unchanged text.');
    const cases: [string, unknown, string][] = [
      ['PATCH', { text: '', baseHash: s.textHash }, 'body.text'],
      ['PATCH', { text: 'new' }, 'body.baseHash'],
      ['PATCH', { text: 'new', baseHash: 'ABC' }, 'body.baseHash'],
      ['POST', { textHash: s.textHash.toUpperCase() }, 'body.textHash'],
      ['POST', {}, 'body.textHash'],
    ];
    for (const [method, body, path] of cases) {
      const client = method === 'PATCH' ? memberA : chairA;
      const url = method === 'PATCH' ? `/api/statements/${s.id}` : `/api/statements/${s.id}/approvals`;
      const res = await client.request(method as 'POST', url, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const bad = await memberA.post(`/api/groups/${w.group.id}/statements`, {
      text: 'x',
      meetingId: '00000000-0000-4000-8000-000000000000',
    });
    expect(bad.json().errors[0].path).toBe('body.meetingId');
    const now = (await memberA.get(`/api/statements/${s.id}`)).json();
    expect(now).toMatchObject({ text: 'Unchanged text.', revision: 1, approvals: [] });
  });

  it('records a language and an optional second-language text, and the hash binds both texts', async () => {
    const memberA = await w.client('memberA');
    const en = 'The two sides agreed to continue the talks.';
    const he = 'שני הצדדים הסכימו להמשיך בשיחות.';
    const res = await memberA.post(`/api/groups/${w.group.id}/statements`, {
      text: en,
      language: 'EN-gb',
      secondLanguage: 'he',
      secondText: he,
    });
    expect(res.statusCode, res.body).toBe(201);
    const s = res.json();
    // Tags are stored in their canonical form; the hash covers both tags and both texts.
    expect(s).toMatchObject({ language: 'en-GB', secondLanguage: 'he', secondText: he });
    expect(s.textHash).toBe(sha(JSON.stringify(['en-GB', en, 'he', he])));
    expect(s.textHash).not.toBe(sha(en));

    // A change of the second text alone is an edit: a new hash, a new revision.
    const he2 = 'שני הצדדים הסכימו להמשיך בשיחות בשבוע הבא.';
    const edited = await memberA.patch(`/api/statements/${s.id}`, { text: en, secondText: he2, baseHash: s.textHash });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ language: 'en-GB', secondLanguage: 'he', secondText: he2, revision: 2 });
    expect(edited.json().textHash).toBe(sha(JSON.stringify(['en-GB', en, 'he', he2])));

    // null removes the second text; a single-language statement's hash is that of its text, as always.
    const single = await memberA.patch(`/api/statements/${s.id}`, {
      text: en,
      language: 'fr',
      secondLanguage: null,
      secondText: null,
      baseHash: edited.json().textHash,
    });
    expect(single.statusCode, single.body).toBe(200);
    expect(single.json()).toMatchObject({ language: 'fr', secondLanguage: null, secondText: null, textHash: sha(en) });

    // Without a language, a statement is English.
    expect((await create('Plain text.')) as unknown).toMatchObject({ language: 'en', secondLanguage: null });
  });

  it('rejects a bad language tag or half a second text, naming the field, and stores nothing', async () => {
    const memberA = await w.client('memberA');
    const before = (await memberA.get(`/api/groups/${w.group.id}/statements`)).json().statements.length;
    const cases: [unknown, string][] = [
      [{ text: 't', language: 'english' }, 'body.language'],
      [{ text: 't', language: 'en_US!' }, 'body.language'],
      [{ text: 't', language: '' }, 'body.language'],
      [{ text: 't', language: 12 }, 'body.language'],
      [{ text: 't', secondLanguage: 'not a tag', secondText: 'x' }, 'body.secondLanguage'],
      [{ text: 't', secondLanguage: 'fr' }, 'body.secondText'],
      [{ text: 't', secondText: 'texte' }, 'body.secondLanguage'],
      [{ text: 't', language: 'fr', secondLanguage: 'FR', secondText: 'texte' }, 'body.secondLanguage'],
      [{ text: 't', secondLanguage: 'fr', secondText: '' }, 'body.secondText'],
    ];
    for (const [body, path] of cases) {
      const res = await memberA.post(`/api/groups/${w.group.id}/statements`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(
        res.json().errors.map((e: { path: string }) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expect((await memberA.get(`/api/groups/${w.group.id}/statements`)).json().statements).toHaveLength(before);

    const s = await create('Unchanged text.');
    const patches: [unknown, string][] = [
      [{ text: 'new', language: 'x', baseHash: s.textHash }, 'body.language'],
      // The statement has no second language: a second text alone is half of one.
      [{ text: 'new', secondText: 'nouveau', baseHash: s.textHash }, 'body.secondLanguage'],
      [{ text: 'new', secondLanguage: 'en', secondText: 'same language', baseHash: s.textHash }, 'body.secondLanguage'],
    ];
    for (const [body, path] of patches) {
      const res = await memberA.patch(`/api/statements/${s.id}`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(
        res.json().errors.map((e: { path: string }) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expect((await memberA.get(`/api/statements/${s.id}`)).json()).toMatchObject({
      text: 'Unchanged text.',
      language: 'en',
      secondText: null,
      revision: 1,
    });
  });
});
