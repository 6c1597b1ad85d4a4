import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type Persona, type World } from '../../test-support/world.js';
import { actor } from '../outcomes/test-support/fixtures.js';
import { formatDate } from '../public/html.js';
import { approveStatement, createStatement } from '../statements/service.js';
import * as svc from './service.js';
import { chairA as chairAOf, freshMeeting, slot } from './test-support/fixtures.js';
import { parseIcs } from './test-support/ical.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
const iso = (d: Date) => d.toISOString();

describe('the record says when a meeting was held', () => {
  it('moves a meeting held on another day than planned to when it was held, keeping the plan in its history', async () => {
    const m = await freshMeeting(w, 'planned', { format: 'video', title: 'Held early' });
    const chairA = await as('chairA');
    const startedAt = new Date(Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000);
    const endedAt = new Date(startedAt.getTime() + 90 * 60_000);
    expect((await chairA.post(`/api/meetings/${m.id}/start`, { at: iso(startedAt) })).statusCode).toBe(200);
    const ended = await chairA.post(`/api/meetings/${m.id}/end`, { at: iso(endedAt) });
    expect(ended.statusCode, ended.body).toBe(200);
    expect(ended.json()).toMatchObject({
      status: 'held',
      start: iso(startedAt),
      end: iso(endedAt),
      sequence: m.sequence + 1,
    });

    const chairB = await as('chairB');
    const listed = (await chairB.get(`/api/groups/${w.group.id}/meetings`)).json().meetings;
    expect(listed.find((x: { id: string }) => x.id === m.id)).toMatchObject({ start: iso(startedAt) });
    const detail = (await chairB.get(`/api/meetings/${m.id}`)).json();
    const last = detail.history.at(-1);
    expect(last.kind).toBe('ended');
    expect(last.details.planned).toEqual({ start: iso(m.startsAt), end: iso(m.endsAt), timeZone: m.timeZone });
    expect(detail.history[0].details.slot.start).toBe(iso(m.startsAt));

    const ics = parseIcs((await chairB.get(`/api/meetings/${m.id}/invite.ics`)).body).events[0]!;
    expect(ics.start.toISOString()).toBe(iso(startedAt));
    expect(ics.end.toISOString()).toBe(iso(endedAt));
    expect(ics.sequence).toBe(m.sequence + 1);

    // The published statement of that meeting gives the day it was held, not the planned one.
    const s = await createStatement(w.ctx, await actor(w, 'memberA'), w.group, {
      text: 'Held-early statement',
      meetingId: m.id,
    });
    await approveStatement(w.ctx, await actor(w, 'chairA'), w.group, s.id, w.sideA, s.textHash);
    await approveStatement(w.ctx, await actor(w, 'chairB'), w.group, s.id, w.sideB, s.textHash);
    const page = (await (await as('anonymous')).get(`/statements/${s.id}`)).body;
    expect(page).toContain(`Held early (${formatDate(startedAt)})`);
    expect(page).not.toContain(formatDate(m.startsAt));
  });

  it('leaves a meeting held exactly as planned untouched', async () => {
    const start = new Date(Date.now() + 60_000);
    const end = new Date(start.getTime() + 120_000);
    const planned = await svc.createMeeting(w.ctx, chairAOf(w), w.group, {
      title: 'On time',
      format: 'video',
      location: '',
      start,
      end,
      timeZone: 'UTC',
      marking: 'shared',
      sideId: null,
    });
    await svc.startMeeting(w.ctx, chairAOf(w), w.group, planned.id, { at: start });
    const m = await svc.endMeeting(w.ctx, chairAOf(w), w.group, planned.id, { at: end });
    expect(m).toMatchObject({ sequence: 0, startsAt: start, endsAt: end });
    const detail = (await (await as('chairB')).get(`/api/meetings/${m.id}`)).json();
    expect(detail.history.at(-1).details.planned).toBeUndefined();
  });
});

describe('meetings are planned for a time still to come', () => {
  it('refuses a start in the past when planning or rescheduling, naming the field, and stores nothing', async () => {
    const memberA = await as('memberA');
    const url = `/api/groups/${w.group.id}/meetings`;
    const before = (await memberA.get(url)).json().meetings.length;
    const past = {
      title: 'Back in 2020',
      format: 'video',
      start: '2020-01-14T09:00:00Z',
      end: '2020-01-14T11:00:00Z',
      timeZone: 'UTC',
    };
    const res = await memberA.post(url, past);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'body.start', message: expect.stringContaining('past'), code: 'start_in_past' },
    ]);
    expect((await memberA.get(url)).json().meetings.length).toBe(before);

    const m = await freshMeeting(w);
    const yesterday = slot(-1);
    const moved = await memberA.post(`/api/meetings/${m.id}/reschedule`, {
      start: iso(yesterday.start),
      end: iso(yesterday.end),
      timeZone: 'UTC',
    });
    expect(moved.statusCode).toBe(400);
    expect(moved.json().errors[0].path).toBe('body.start');
    const after = (await memberA.get(`/api/meetings/${m.id}`)).json().meeting;
    expect(after).toMatchObject({ start: iso(m.startsAt), sequence: m.sequence });
    // Moving it later still works; so does editing a meeting whose start has passed.
    const later = slot(9);
    const ok = await memberA.post(`/api/meetings/${m.id}/reschedule`, {
      start: iso(later.start),
      end: iso(later.end),
      timeZone: 'UTC',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const started = await freshMeeting(w, 'in_progress');
    const edit = await memberA.patch(`/api/meetings/${started.id}`, { title: 'Renamed while under way' });
    expect(edit.statusCode, edit.body).toBe(200);
  });

  it('clears the old location when the meeting moves to secure video', async () => {
    const m = await freshMeeting(w, 'planned', { format: 'in_person' });
    expect(m.location).toBe('Capital Conference Centre');
    const chairB = await as('chairB');
    const res = await chairB.post(`/api/meetings/${m.id}/change-format`, {
      format: 'video',
      reason: 'Nobody travels',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ format: 'video', location: '' });
    const ics = (await chairB.get(`/api/meetings/${m.id}/invite.ics`)).body.replace(/\r\n /g, '');
    expect(ics).not.toContain('Capital Conference Centre');
    expect(ics).toContain('LOCATION:Secure video (Parley)');
  });

  it('answers a NUL in the location with a 400 naming the field, in words, and keeps the meeting as it was', async () => {
    const m = await freshMeeting(w, 'planned', { format: 'video' });
    const chairB = await as('chairB');
    const res = await chairB.post(`/api/meetings/${m.id}/change-format`, {
      format: 'in_person',
      reason: 'We travel after all',
      location: '\u0000\u0000',
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().errors).toEqual([
      { path: 'body.location', message: expect.stringContaining('control character'), code: 'single_line' },
    ]);
    const title = await chairB.patch(`/api/meetings/${m.id}`, { title: 'Round\nsix' });
    expect(title.statusCode).toBe(400);
    expect(title.json().errors[0]).toMatchObject({ path: 'body.title', message: expect.stringContaining('one line') });
    expect((await chairB.get(`/api/meetings/${m.id}`)).json().meeting).toMatchObject({
      format: 'video',
      title: m.title,
      sequence: m.sequence,
    });
  });
});
