import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type Persona, type World } from '../../test-support/world.js';
import { auditLog } from '../audit/schema.js';
import { createUser } from '../auth/users.js';
import { addMembership } from '../groups/service.js';
import { meetingEvents, meetings } from './schema.js';
import { freshMeeting, slot } from './test-support/fixtures.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
const iso = (d: Date) => d.toISOString();

async function counts() {
  const [[m], [e], [a]] = await Promise.all([
    t.ctx.db.select({ n: count() }).from(meetings),
    t.ctx.db.select({ n: count() }).from(meetingEvents),
    t.ctx.db.select({ n: count() }).from(auditLog),
  ]);
  return { meetings: m!.n, events: e!.n, audit: a!.n };
}

describe('the consultation story', () => {
  it('planned in person → cancelled by B → re-requested via back channel → rescheduled to video → held', async () => {
    const memberA = await as('memberA');
    const chairA = await as('chairA');
    const chairB = await as('chairB');
    const s = slot(7);
    const created = await memberA.post(`/api/groups/${w.group.id}/meetings`, {
      title: 'Strategic Consultative Group, 4th round',
      format: 'in_person',
      location: 'Aldoria, State Guest House',
      start: iso(s.start),
      end: iso(s.end),
      timeZone: 'Europe/Berlin',
    });
    expect(created.statusCode, created.body).toBe(201);
    const m = created.json();
    expect(m).toMatchObject({ status: 'planned', phase: 'planned', sequence: 0, marking: 'shared', sideId: null });
    expect(m.icalUid).toContain(m.id);

    const cancelled = await chairB.post(`/api/meetings/${m.id}/cancel`, {
      reason: 'Vote at the International Council',
      bySideId: w.sideB,
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', sequence: 1 });

    const ref = crypto.randomUUID();
    const again = await chairB.post(`/api/meetings/${m.id}/re-request`, {
      bySideId: w.sideB,
      channel: 'back_channel',
      backChannelRef: ref,
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ status: 'planned', sequence: 2 });

    const s2 = slot(8);
    const moved = await memberA.post(`/api/meetings/${m.id}/reschedule`, {
      start: iso(s2.start),
      end: iso(s2.end),
      timeZone: 'Asia/Tokyo',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({ start: iso(s2.start), end: iso(s2.end), timeZone: 'Asia/Tokyo', sequence: 3 });

    const video = await chairB.post(`/api/meetings/${m.id}/change-format`, {
      format: 'video',
      reason: 'No delegation has to travel',
    });
    expect(video.statusCode, video.body).toBe(200);
    expect(video.json()).toMatchObject({ format: 'video', sequence: 4 });

    const startedAt = new Date(Date.now() - 2 * 3_600_000);
    const started = await chairA.post(`/api/meetings/${m.id}/start`, { at: iso(startedAt) });
    expect(started.statusCode, started.body).toBe(200);
    expect(started.json()).toMatchObject({ status: 'planned', phase: 'in_progress', sequence: 4 });

    const endedAt = new Date(startedAt.getTime() + 2 * 3_600_000);
    const ended = await chairB.post(`/api/meetings/${m.id}/end`, { at: iso(endedAt) });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({ status: 'held', phase: 'held', endedAt: iso(endedAt) });

    const detail = (await (await as('observerA')).get(`/api/meetings/${m.id}`)).json();
    const h = detail.history as { kind: string; sideId: string; actorName: string; details: Record<string, unknown> }[];
    expect(h.map((e) => e.kind)).toEqual([
      'planned',
      'cancelled',
      're_requested',
      'rescheduled',
      'format_changed',
      'started',
      'ended',
    ]);
    expect(h[0]).toMatchObject({ actorName: 'memberA', sideId: w.sideA });
    expect(h[1]).toMatchObject({
      actorName: 'chairB',
      sideId: w.sideB,
      details: { reason: 'Vote at the International Council', bySideId: w.sideB },
    });
    expect(h[2]).toMatchObject({ sideId: w.sideB, details: { channel: 'back_channel', backChannelRef: ref } });
    expect(h[3]?.details).toMatchObject({
      from: { start: iso(s.start), timeZone: 'Europe/Berlin' },
      to: { start: iso(s2.start), timeZone: 'Asia/Tokyo' },
    });
    expect(h[4]?.details).toMatchObject({ from: 'in_person', to: 'video', reason: 'No delegation has to travel' });
    expect(h[6]?.details).toMatchObject({ durationMinutes: 120 });

    const held = (await chairB.get(`/api/groups/${w.group.id}/meetings?status=held`)).json();
    expect(held.meetings.map((x: { id: string }) => x.id)).toContain(m.id);
    const planned = (await chairB.get(`/api/groups/${w.group.id}/meetings?status=planned,postponed`)).json();
    expect(planned.meetings.map((x: { id: string }) => x.id)).not.toContain(m.id);
    // Held earlier than planned: it is filed under when it was held, no longer under the planned slot.
    const window = (
      await chairB.get(`/api/groups/${w.group.id}/meetings?from=${iso(startedAt)}&to=${iso(endedAt)}`)
    ).json();
    expect(window.meetings.map((x: { id: string }) => x.id)).toContain(m.id);
    const planned2 = (
      await chairB.get(`/api/groups/${w.group.id}/meetings?from=${iso(s2.start)}&to=${iso(s2.end)}`)
    ).json();
    expect(planned2.meetings.map((x: { id: string }) => x.id)).not.toContain(m.id);
  });

  it('records a postponement and takes the meeting back to planned on reschedule', async () => {
    const m = await freshMeeting(w);
    const chairB = await as('chairB');
    const p = await chairB.post(`/api/meetings/${m.id}/postpone`, { reason: 'Elections' });
    expect(p.json()).toMatchObject({ status: 'postponed', sequence: 1 });
    const s = slot(20);
    const r = await chairB.post(`/api/meetings/${m.id}/reschedule`, {
      start: iso(s.start),
      end: iso(s.end),
      timeZone: 'UTC',
    });
    expect(r.json()).toMatchObject({ status: 'planned', sequence: 2 });
    const h = (await chairB.get(`/api/meetings/${m.id}`)).json().history;
    expect(h[1]).toMatchObject({ kind: 'postponed', sideId: w.sideB, details: { reason: 'Elections' } });
  });
});

describe('state machine', () => {
  const expect409 = async (res: Awaited<ReturnType<Awaited<ReturnType<typeof as>>['post']>>, phase: string) => {
    expect(res.statusCode, res.body).toBe(409);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().currentState).toMatchObject({ phase });
  };

  it('answers illegal transitions with 409 and the current state, and changes nothing', async () => {
    const chairA = await as('chairA');
    const held = await freshMeeting(w, 'held');
    const cancelled = await freshMeeting(w, 'cancelled');
    const running = await freshMeeting(w, 'in_progress');
    const planned = await freshMeeting(w, 'planned');
    const before = await counts();
    const s = slot(9);
    const move = { start: iso(s.start), end: iso(s.end), timeZone: 'UTC' };

    await expect409(await chairA.post(`/api/meetings/${held.id}/cancel`, { reason: 'x', bySideId: w.sideA }), 'held');
    await expect409(await chairA.post(`/api/meetings/${held.id}/start`, {}), 'held');
    await expect409(await chairA.post(`/api/meetings/${held.id}/reschedule`, move), 'held');
    await expect409(await chairA.patch(`/api/meetings/${held.id}`, { title: 'Late edit' }), 'held');
    await expect409(await chairA.post(`/api/meetings/${cancelled.id}/start`, {}), 'cancelled');
    await expect409(
      await chairA.post(`/api/meetings/${cancelled.id}/cancel`, { reason: 'x', bySideId: w.sideA }),
      'cancelled',
    );
    await expect409(await chairA.post(`/api/meetings/${cancelled.id}/reschedule`, move), 'cancelled');
    await expect409(
      await chairA.post(`/api/meetings/${running.id}/cancel`, { reason: 'x', bySideId: w.sideA }),
      'in_progress',
    );
    await expect409(await chairA.post(`/api/meetings/${running.id}/start`, {}), 'in_progress');
    await expect409(await chairA.post(`/api/meetings/${planned.id}/end`, {}), 'planned');
    await expect409(
      await chairA.post(`/api/meetings/${planned.id}/re-request`, { bySideId: w.sideA, channel: 'official' }),
      'planned',
    );
    await expect409(
      await chairA.post(`/api/meetings/${planned.id}/change-format`, { format: 'in_person', reason: 'same' }),
      'planned',
    );
    const res = await chairA.post(`/api/meetings/${held.id}/cancel`, { reason: 'x', bySideId: w.sideA });
    expect(res.json().currentState).toMatchObject({ status: 'held', allowed: ['share'] });
    expect(await counts()).toEqual(before);
    const after = (await chairA.get(`/api/meetings/${planned.id}`)).json();
    expect(after.meeting).toMatchObject({ status: 'planned', sequence: 0, format: 'in_person' });
    expect(after.history).toHaveLength(1);
  });
});

describe('input validation', () => {
  const base = () => {
    const s = slot(5);
    return { title: 'T', format: 'video', start: iso(s.start), end: iso(s.end), timeZone: 'Europe/Berlin' };
  };
  const cases: [string, Record<string, unknown>, string][] = [
    ['end before start', { end: iso(new Date(Date.now() + 3_600_000)), start: iso(slot(5).start) }, 'body.end'],
    ['unknown zone', { timeZone: 'Mars/Olympus_Mons' }, 'body.timeZone'],
    ['in person without a place', { format: 'in_person', location: '' }, 'body.location'],
    ['unknown format', { format: 'carrier_pigeon' }, 'body.format'],
    ['start without offset', { start: '2030-01-01T10:00:00' }, 'body.start'],
    ['empty title', { title: '   ' }, 'body.title'],
    ['unknown field', { colour: 'red' }, 'body.colour'],
    ['owning side on a shared meeting', { sideId: crypto.randomUUID() }, 'body.sideId'],
  ];
  for (const [name, patch, path] of cases) {
    it(`rejects ${name} with 400 naming ${path}, storing nothing`, async () => {
      const before = await counts();
      const res = await (await as('memberA')).post(`/api/groups/${w.group.id}/meetings`, { ...base(), ...patch });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
      expect(await counts()).toEqual(before);
    });
  }

  it('gives each refusal of its own checks a stable code, with the limit as a value', async () => {
    const memberA = await as('memberA');
    const refusal = async (patch: Record<string, unknown>) => {
      const res = await memberA.post(`/api/groups/${w.group.id}/meetings`, { ...base(), ...patch });
      expect(res.statusCode, res.body).toBe(400);
      return res.json().errors;
    };
    const start = slot(5).start;
    expect(await refusal({ end: iso(new Date(start.getTime() + 15 * 86_400_000)) })).toEqual([
      {
        path: 'body.end',
        message: 'at most 14 days after start',
        code: 'at_most_days_after_start',
        params: { days: 14 },
      },
    ]);
    expect(await refusal({ format: 'hybrid', location: '' })).toEqual([
      { path: 'body.location', message: 'an in-person or hybrid meeting needs a location', code: 'location_needed' },
    ]);
    expect(await refusal({ sideId: w.sideA })).toEqual([
      { path: 'body.sideId', message: 'only a side-only meeting has an owning side', code: 'owner_only_side_only' },
    ]);
    const list = await memberA.get(
      `/api/groups/${w.group.id}/meetings?from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z`,
    );
    expect(list.json().errors).toEqual([
      { path: 'querystring.to', message: 'must not be before from', code: 'to_before_from' },
    ]);
  });

  it('names the failing field on transitions and queries', async () => {
    const m = await freshMeeting(w);
    const chairA = await as('chairA');
    const expectField = async (
      res: { statusCode: number; body: string; json(): { errors: { path: string }[] } },
      p: string,
    ) => {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().errors.map((e) => e.path)).toContain(p);
    };
    const before = await counts();
    await expectField(await chairA.post(`/api/meetings/${m.id}/cancel`, { bySideId: w.sideA }), 'body.reason');
    await expectField(
      await chairA.post(`/api/meetings/${m.id}/cancel`, { reason: 'x', bySideId: crypto.randomUUID() }),
      'body.bySideId',
    );
    await expectField(
      await chairA.post(`/api/meetings/${m.id}/start`, { at: iso(new Date(Date.now() + 86_400_000)) }),
      'body.at',
    );
    await expectField(
      await chairA.post(`/api/meetings/${m.id}/reschedule`, {
        start: iso(slot(3).start),
        end: iso(slot(2).start),
        timeZone: 'UTC',
      }),
      'body.end',
    );
    await expectField(await chairA.post(`/api/meetings/${m.id}/change-format`, { format: 'video' }), 'body.reason');
    await expectField(await chairA.get(`/api/groups/${w.group.id}/meetings?status=unknown`), 'querystring.status.0');
    await expectField(
      await chairA.get(`/api/groups/${w.group.id}/meetings?from=${iso(slot(5).start)}&to=${iso(slot(1).start)}`),
      'querystring.to',
    );
    expect(await counts()).toEqual(before);

    const cancelled = await freshMeeting(w, 'cancelled');
    const bad = await chairA.post(`/api/meetings/${cancelled.id}/re-request`, {
      bySideId: w.sideA,
      channel: 'official',
      backChannelRef: crypto.randomUUID(),
    });
    await expectField(bad, 'body.backChannelRef');
  });
});

describe('who may do what', () => {
  it('lets chairs and the secretariat speak for their own side only', async () => {
    const sec = await createUser(t.ctx, null, {
      email: 'secretariat-b@test.parley',
      displayName: 'Secretariat B',
      password: null,
      isAdmin: false,
    });
    await addMembership(t.ctx, null, w.group, {
      userId: sec.id,
      sideId: w.sideB,
      role: 'secretariat',
      agencyId: null,
      title: '',
      marking: 'shared',
    });
    const secClient = await as('anonymous');
    const { sessionCookieFor } = await import('../../test-support/world.js');
    secClient.cookie = await sessionCookieFor(t.ctx, sec.id);

    const m = await freshMeeting(w);
    const memberA = await as('memberA');
    const chairA = await as('chairA');
    expect((await memberA.post(`/api/meetings/${m.id}/cancel`, { reason: 'x', bySideId: w.sideA })).statusCode).toBe(
      403,
    );
    expect((await chairA.post(`/api/meetings/${m.id}/cancel`, { reason: 'x', bySideId: w.sideB })).statusCode).toBe(
      403,
    );
    expect((await secClient.post(`/api/meetings/${m.id}/start`, {})).statusCode).toBe(403);
    const ok = await secClient.post(`/api/meetings/${m.id}/cancel`, { reason: 'On instruction', bySideId: w.sideB });
    expect(ok.statusCode, ok.body).toBe(200);
    const h = (await chairA.get(`/api/meetings/${m.id}`)).json().history;
    expect(h[1]).toMatchObject({ actorName: 'Secretariat B', sideId: w.sideB });
  });

  it('keeps observers read-only and lets delegates keep side-only meetings for their side', async () => {
    const s = slot(4);
    const body = { title: 'Prep', format: 'video', start: iso(s.start), end: iso(s.end), timeZone: 'UTC' };
    const observer = await as('observerA');
    expect((await observer.post(`/api/groups/${w.group.id}/meetings`, body)).statusCode).toBe(403);
    const memberA = await as('memberA');
    const own = await memberA.post(`/api/groups/${w.group.id}/meetings`, { ...body, marking: 'side-only' });
    expect(own.statusCode, own.body).toBe(201);
    expect(own.json()).toMatchObject({ marking: 'side-only', sideId: w.sideA });
    const other = await memberA.post(`/api/groups/${w.group.id}/meetings`, {
      ...body,
      marking: 'side-only',
      sideId: w.sideB,
    });
    expect(other.statusCode).toBe(403);
    const chairB = await as('chairB');
    expect((await chairB.get(`/api/meetings/${own.json().id}`)).statusCode).toBe(404);
    expect((await chairB.post(`/api/meetings/${own.json().id}/start`, {})).statusCode).toBe(404);
    expect((await (await as('chairA')).post(`/api/meetings/${own.json().id}/start`, {})).statusCode).toBe(200);
  });
});
