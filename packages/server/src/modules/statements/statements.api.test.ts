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
});
