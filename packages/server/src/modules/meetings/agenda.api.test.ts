import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type Persona, type World } from '../../test-support/world.js';
import * as svc from './service.js';
import { chairA as chairAActor, freshMeeting, slot } from './test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
type Item = { id: string; title: string; position: number; marking: string; sideId: string | null };
const titles = (items: Item[]) => items.map((i) => i.title);

describe('agenda', () => {
  it('keeps an ordered agenda that both sides edit, with side-only items hidden from the other side', async () => {
    const m = await freshMeeting(w);
    const memberA = await as('memberA');
    const chairB = await as('chairB');
    const url = `/api/meetings/${m.id}/agenda`;
    const a1 = (await memberA.post(url, { title: 'Shared objective', notes: 'Draft wording' })).json();
    const hidden = await memberA.post(url, { title: 'A caucus', marking: 'side-only' });
    expect(hidden.statusCode, hidden.body).toBe(201);
    expect(hidden.json()).toMatchObject({ marking: 'side-only', sideId: w.sideA });
    const b1 = await chairB.post(url, { title: 'Courses of action' });
    expect(b1.statusCode, b1.body).toBe(201);

    const seenByA = (await memberA.get(url)).json().items as Item[];
    expect(titles(seenByA)).toEqual(['Shared objective', 'A caucus', 'Courses of action']);
    expect(seenByA.map((i) => i.position)).toEqual([0, 1, 2]);
    const seenByB = await chairB.get(url);
    expect(titles(seenByB.json().items)).toEqual(['Shared objective', 'Courses of action']);
    // Positions are renumbered per reader, so a gap cannot betray a hidden item.
    expect(seenByB.json().items.map((i: Item) => i.position)).toEqual([0, 1]);
    expect(seenByB.body).not.toContain(hidden.json().id);

    // Side B reorders what it sees; side A's item keeps its slot.
    const reordered = await chairB.request('PUT', `${url}/order`, { itemIds: [b1.json().id, a1.id] });
    expect(reordered.statusCode, reordered.body).toBe(200);
    expect(titles(reordered.json().items)).toEqual(['Courses of action', 'Shared objective']);
    expect(titles((await memberA.get(url)).json().items)).toEqual([
      'Courses of action',
      'A caucus',
      'Shared objective',
    ]);

    const edited = await chairB.patch(`${url}/${a1.id}`, { notes: 'Agreed wording' });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ notes: 'Agreed wording', title: 'Shared objective' });

    // The other side's side-only item is "not found", exactly like a missing one.
    expect((await chairB.patch(`${url}/${hidden.json().id}`, { title: 'x' })).statusCode).toBe(404);
    expect((await chairB.delete(`${url}/${hidden.json().id}`)).statusCode).toBe(404);
    expect((await chairB.delete(`${url}/${crypto.randomUUID()}`)).statusCode).toBe(404);
    expect((await (await as('observerA')).post(url, { title: 'x' })).statusCode).toBe(403);

    expect((await chairB.delete(`${url}/${b1.json().id}`)).statusCode).toBe(200);
    const detail = (await memberA.get(`/api/meetings/${m.id}`)).json();
    expect(titles(detail.agenda)).toEqual(['A caucus', 'Shared objective']);
  });

  it('validates a reorder as the full list, without telling hidden items from unknown ones', async () => {
    const m = await freshMeeting(w);
    const memberA = await as('memberA');
    const chairB = await as('chairB');
    const url = `/api/meetings/${m.id}/agenda`;
    const x = (await memberA.post(url, { title: 'X' })).json().id;
    const y = (await memberA.post(url, { title: 'Y' })).json().id;
    const hidden = (await memberA.post(url, { title: 'H', marking: 'side-only' })).json().id;
    const bad = async (itemIds: string[], path: string) => {
      const res = await chairB.request('PUT', `${url}/order`, { itemIds });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors[0].path).toBe(path);
      const { message, code } = res.json().errors[0];
      return { message, code };
    };
    expect((await bad([x], 'body.itemIds')).code).toBe('every_item_once');
    expect((await bad([x, x], 'body.itemIds.1')).code).toBe('listed_twice');
    const unknown = await bad([x, y, crypto.randomUUID()], 'body.itemIds.2');
    const hiddenMsg = await bad([x, y, hidden], 'body.itemIds.2');
    expect(unknown).toEqual({ message: 'not an item of this agenda', code: 'not_in_agenda' });
    expect(hiddenMsg).toEqual(unknown);
    const invalid = await chairB.request('PUT', `${url}/order`, { itemIds: ['nope'] });
    expect(invalid.json().errors[0].path).toBe('body.itemIds.0');
    expect(titles((await memberA.get(url)).json().items)).toEqual(['X', 'Y', 'H']);
  });

  it('freezes the agenda once the meeting is held', async () => {
    const m = await freshMeeting(w);
    const memberA = await as('memberA');
    const url = `/api/meetings/${m.id}/agenda`;
    const item = (await memberA.post(url, { title: 'Only item' })).json();
    await svc.startMeeting(t.ctx, chairAActor(w), w.group, m.id);
    expect((await memberA.patch(`${url}/${item.id}`, { notes: 'during the call' })).statusCode).toBe(200);
    await svc.endMeeting(t.ctx, chairAActor(w), w.group, m.id);
    for (const res of [
      await memberA.post(url, { title: 'Late' }),
      await memberA.patch(`${url}/${item.id}`, { title: 'Late' }),
      await memberA.delete(`${url}/${item.id}`),
      await memberA.request('PUT', `${url}/order`, { itemIds: [item.id] }),
    ]) {
      expect(res.statusCode, res.body).toBe(409);
      expect(res.json().currentState).toMatchObject({ status: 'held' });
    }
    expect((await memberA.get(url)).json().items).toMatchObject([{ title: 'Only item', notes: 'during the call' }]);
  });

  it('keeps the agenda of a side-only meeting side-only', async () => {
    const s = slot(2);
    const m = await svc.createMeeting(t.ctx, chairAActor(w), w.group, {
      title: 'A prep',
      format: 'video',
      location: '',
      start: s.start,
      end: s.end,
      timeZone: 'UTC',
      marking: 'side-only',
      sideId: w.sideA,
    });
    const memberA = await as('memberA');
    const url = `/api/meetings/${m.id}/agenda`;
    const ok = await memberA.post(url, { title: 'Red lines' });
    expect(ok.json()).toMatchObject({ marking: 'side-only', sideId: w.sideA });
    const shared = await memberA.post(url, { title: 'x', marking: 'shared' });
    expect(shared.json().errors[0].path).toBe('body.marking');
    expect((await (await as('chairB')).get(url)).statusCode).toBe(404);
  });
});
