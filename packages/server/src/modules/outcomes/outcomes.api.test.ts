import type { ServerMessage } from '@parley/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadActorFacts } from '../../policy/actor.js';
import type { Connection } from '../../realtime/hub.js';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type World } from '../../test-support/world.js';
import { makeMeeting } from './test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const register = (q = '') => `/api/groups/${w.group.id}/outcomes${q}`;
const ids = (body: { outcomes: { id: string }[] }) => body.outcomes.map((o) => o.id);

describe('outcomes register', () => {
  it('records, filters and summarises outcomes, answering concerns with commitments', async () => {
    const a = await w.client('memberA');
    const b = await w.client('memberB');
    const meeting = await makeMeeting(w, { title: 'Video consultation' });
    const agreement = (
      await a.post(register(), { kind: 'agreement', text: 'A shared objective', meetingId: meeting.id })
    ).json();
    const concern = (
      await a.post(register(), {
        kind: 'concern',
        text: 'Concern about courses of action',
        raisedBySideId: w.sideA,
        addressedToSideId: w.sideB,
        meetingId: meeting.id,
      })
    ).json();
    const other = (
      await a.post(register(), { kind: 'concern', text: 'Second concern', raisedBySideId: w.sideA })
    ).json();
    const action = (
      await b.post(register(), {
        kind: 'action',
        text: 'Send the expert list',
        raisedBySideId: w.sideB,
        ownerUserId: w.users.memberB.id,
        due: '2030-01-15',
      })
    ).json();
    expect(action.ownerName).toBe('memberB');
    const res = await b.post(register(), {
      kind: 'commitment',
      text: 'We will take the concerns into account',
      raisedBySideId: w.sideB,
      addressedToSideId: w.sideA,
      respondsToId: concern.id,
      meetingId: meeting.id,
    });
    expect(res.statusCode, res.body).toBe(201);
    const commitment = res.json();

    expect(ids((await a.get(register(`?meetingId=${meeting.id}`))).json())).toEqual([
      agreement.id,
      concern.id,
      commitment.id,
    ]);
    expect(ids((await a.get(register('?kind=concern'))).json())).toEqual([concern.id, other.id]);
    expect(ids((await a.get(register(`?sideId=${w.sideB}&kind=commitment`))).json())).toEqual([commitment.id]);
    expect(ids((await a.get(register('?status=open&kind=action'))).json())).toEqual([action.id]);
    expect((await a.get(`/api/outcomes/${concern.id}`)).json().responseIds).toEqual([commitment.id]);

    const summary = (await a.get(register('/summary'))).json();
    expect(summary.openActions.map((o: { id: string }) => o.id)).toEqual([action.id]);
    expect(summary.unansweredConcerns.map((o: { id: string }) => o.id)).toEqual([other.id]);
    expect(summary.counts.byKind).toEqual({ agreement: 1, concern: 2, commitment: 1, action: 1, disagreement: 0 });

    // The owner of the action reports progress; once done it leaves the summary.
    expect((await b.post(`/api/outcomes/${action.id}/status`, { status: 'done' })).statusCode).toBe(200);
    expect((await a.get(register('/summary'))).json().openActions).toEqual([]);
  });

  it('keeps side-only entries of side A out of everything side B receives', async () => {
    const a = await w.client('memberA');
    const b = await w.client('chairB');
    const shared = (await a.post(register(), { kind: 'concern', text: 'Shared worry about the timeline' })).json();
    const before = (await b.get(register('/summary'))).body;
    const secret = 'PRIVATE: our fallback is to accept option two';
    const res = await a.post(register(), {
      kind: 'commitment',
      text: secret,
      marking: 'side-only',
      respondsToId: shared.id,
    });
    expect(res.statusCode, res.body).toBe(201);
    const hidden = res.json();

    // Side A sees its own note answering the concern; side B still sees the concern as unanswered.
    const summaryA = (await a.get(register('/summary'))).json();
    expect(summaryA.unansweredConcerns.map((o: { id: string }) => o.id)).not.toContain(shared.id);
    const summaryB = await b.get(register('/summary'));
    expect(summaryB.body).toBe(before);
    expect(summaryB.json().unansweredConcerns.map((o: { id: string }) => o.id)).toContain(shared.id);

    for (const url of [register(), register('?kind=commitment'), register('/summary'), `/api/outcomes/${shared.id}`]) {
      const body = (await b.get(url)).body;
      expect(body).not.toContain(secret);
      expect(body).not.toContain(hidden.id);
    }
    const direct = await b.get(`/api/outcomes/${hidden.id}`);
    expect(direct.statusCode).toBe(404);
    expect(direct.body).not.toContain(secret);
    // Answering or editing a hidden entry reads exactly like answering a missing one.
    const missing = '00000000-0000-4000-8000-000000000000';
    const viaRef = await b.post(register(), { kind: 'commitment', text: 'x', respondsToId: hidden.id });
    const viaMissing = await b.post(register(), { kind: 'commitment', text: 'x', respondsToId: missing });
    expect(viaRef.statusCode).toBe(400);
    expect(viaRef.json().errors).toEqual(viaMissing.json().errors);
    expect((await b.patch(`/api/outcomes/${hidden.id}`, { text: 'y' })).statusCode).toBe(404);
    expect((await b.delete(`/api/outcomes/${hidden.id}`)).statusCode).toBe(404);
    // A shared entry cannot answer a side-only one, nor may it be hidden once shared entries answer it.
    const widen = await a.post(register(), { kind: 'action', text: 'x', respondsToId: hidden.id });
    expect(widen.json().errors[0].path).toBe('body.respondsToId');
    await a.post(register(), { kind: 'commitment', text: 'Shared answer', respondsToId: shared.id });
    expect((await a.patch(`/api/outcomes/${shared.id}`, { marking: 'side-only' })).statusCode).toBe(409);
  });

  it('rejects bad input naming the field, and stores nothing', async () => {
    const a = await w.client('memberA');
    const count = async () => (await a.get(register())).json().outcomes.length;
    const n = await count();
    const cases: [unknown, string][] = [
      [{ kind: 'promise', text: 'x' }, 'body.kind'],
      [{ kind: 'action', text: '   ' }, 'body.text'],
      [{ kind: 'action', text: 'x', due: '15/01/2030' }, 'body.due'],
      [{ kind: 'action', text: 'x', raisedBySideId: 'abc' }, 'body.raisedBySideId'],
      [
        { kind: 'action', text: 'x', addressedToSideId: '00000000-0000-4000-8000-000000000000' },
        'body.addressedToSideId',
      ],
      [{ kind: 'action', text: 'x', ownerUserId: w.users.outsider.id }, 'body.ownerUserId'],
      [{ kind: 'action', text: 'x', ownerUserId: w.hiddenMemberA.id }, 'body.ownerUserId'],
      [{ kind: 'action', text: 'x', meetingId: '00000000-0000-4000-8000-000000000000' }, 'body.meetingId'],
      [{ kind: 'action', text: 'x', colour: 'red' }, 'body.colour'],
    ];
    for (const [body, path] of cases) {
      const res = await a.post(register(), body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    const o = (await a.post(register(), { kind: 'action', text: 'Original' })).json();
    const bad = await a.patch(`/api/outcomes/${o.id}`, { text: 'Changed', respondsToId: o.id });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('body.respondsToId');
    expect((await a.get(`/api/outcomes/${o.id}`)).json().text).toBe('Original');
    expect((await a.post(`/api/outcomes/${o.id}/status`, { status: 'finished' })).json().errors[0].path).toBe(
      'body.status',
    );
    expect(await count()).toBe(n + 1);
  });

  it('sends live updates only to readers of the entry', async () => {
    const received: Record<string, ServerMessage[]> = { memberA: [], chairB: [] };
    const conns = (['memberA', 'chairB'] as const).map((p) => {
      const c: Connection = {
        userId: w.users[p].id,
        topics: new Set([`group:${w.group.id}` as const]),
        send: (m) => received[p]!.push(m),
        actor: () => loadActorFacts(t.ctx.db, w.users[p].id, false),
      };
      t.ctx.hub.add(c);
      return c;
    });
    const a = await w.client('memberA');
    const hidden = (await a.post(register(), { kind: 'concern', text: 'internal', marking: 'side-only' })).json();
    const shared = (await a.post(register(), { kind: 'agreement', text: 'public' })).json();
    const seen = (p: string) =>
      received[p]!.flatMap((m) => (m.type === 'event' ? [m.event.resourceId] : [])).filter(Boolean);
    // Delivery is asynchronous; the later, shared event arriving at side B means the earlier one was decided.
    await vi.waitFor(() => expect(seen('chairB')).toContain(shared.id));
    await vi.waitFor(() => expect(seen('memberA')).toContain(shared.id));
    for (const c of conns) t.ctx.hub.remove(c);
    expect(seen('memberA')).toEqual(expect.arrayContaining([hidden.id, shared.id]));
    expect(seen('chairB')).toContain(shared.id);
    expect(seen('chairB')).not.toContain(hidden.id);
  });

  it('refuses to delete an entry others answer, and drops hidden answers silently', async () => {
    const a = await w.client('memberA');
    const b = await w.client('memberB');
    const concern = (await a.post(register(), { kind: 'concern', text: 'To be withdrawn' })).json();
    const privateB = (
      await b.post(register(), {
        kind: 'commitment',
        text: 'B private',
        marking: 'side-only',
        respondsToId: concern.id,
      })
    ).json();
    expect((await a.delete(`/api/outcomes/${concern.id}`)).statusCode).toBe(200);
    expect((await b.get(`/api/outcomes/${privateB.id}`)).json().respondsToId).toBeNull();
    const c2 = (await a.post(register(), { kind: 'concern', text: 'Answered' })).json();
    await b.post(register(), { kind: 'commitment', text: 'Shared answer', respondsToId: c2.id });
    expect((await a.delete(`/api/outcomes/${c2.id}`)).statusCode).toBe(409);
  });
});
