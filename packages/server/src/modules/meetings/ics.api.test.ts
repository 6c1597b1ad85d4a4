import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type Persona, type World } from '../../test-support/world.js';
import * as svc from './service.js';
import { chairA, freshMeeting, slot } from './test-support/fixtures.js';
import { parseIcs } from './test-support/ical.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
const invite = async (p: Persona, id: string) => {
  const res = await (await as(p)).get(`/api/meetings/${id}/invite.ics`);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toContain('text/calendar');
  const cal = parseIcs(res.body);
  expect(cal.events).toHaveLength(1);
  return { method: cal.method, ev: cal.events[0]! };
};

describe('invite.ics', () => {
  it('is an iTIP REQUEST with a stable UID whose SEQUENCE rises on every update, then a CANCEL', async () => {
    const m = await freshMeeting(w, 'planned', { title: 'Round five' });
    const first = await invite('chairB', m.id);
    expect(first.method).toBe('REQUEST');
    expect(first.ev).toMatchObject({ uid: m.icalUid, sequence: 0, status: 'CONFIRMED', summary: 'Round five' });
    expect(first.ev.start.toISOString()).toBe(m.startsAt.toISOString());
    expect(first.ev.end.toISOString()).toBe(m.endsAt.toISOString());
    expect(first.ev.startIsUtc).toBe(true);
    expect(first.ev.organizer).toMatch(/^mailto:/i);
    expect(first.ev.attendees.find((a) => a.name === 'chairB')?.role).toBe('CHAIR');
    expect(first.ev.attendees.find((a) => a.name === 'observerA')?.role).toBe('OPT-PARTICIPANT');

    // A meeting planned in Tokyo time is still the same instant in every calendar.
    const tokyo = new Date('2031-04-01T01:30:00.000Z');
    const moved = await (await as('memberB')).post(`/api/meetings/${m.id}/reschedule`, {
      start: '2031-04-01T10:30:00+09:00',
      end: '2031-04-01T12:00:00+09:00',
      timeZone: 'Asia/Tokyo',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    const second = await invite('chairA', m.id);
    expect(second.ev).toMatchObject({ uid: m.icalUid, sequence: 1 });
    expect(second.ev.start.toISOString()).toBe(tokyo.toISOString());
    expect(second.ev.end.toISOString()).toBe('2031-04-01T03:00:00.000Z');

    await (await as('memberA')).post(`/api/meetings/${m.id}/change-format`, { format: 'video', reason: 'No travel' });
    expect((await invite('memberA', m.id)).ev.sequence).toBe(2);
    await (await as('memberA')).patch(`/api/meetings/${m.id}`, { title: 'Round five (video)' });
    expect((await invite('memberA', m.id)).ev).toMatchObject({ sequence: 3, summary: 'Round five (video)' });

    await (await as('chairB')).post(`/api/meetings/${m.id}/cancel`, { reason: 'Council vote', bySideId: w.sideB });
    const cancelled = await invite('memberA', m.id);
    expect(cancelled.method).toBe('CANCEL');
    expect(cancelled.ev).toMatchObject({ uid: m.icalUid, sequence: 4, status: 'CANCELLED' });

    await (await as('chairB')).post(`/api/meetings/${m.id}/re-request`, { bySideId: w.sideB, channel: 'official' });
    const back = await invite('memberA', m.id);
    expect(back.method).toBe('REQUEST');
    expect(back.ev).toMatchObject({ uid: m.icalUid, sequence: 5, status: 'CONFIRMED' });
  });

  it('marks a postponed meeting tentative; starting leaves SEQUENCE alone, ending early moves the entry', async () => {
    const m = await freshMeeting(w);
    await svc.postponeMeeting(t.ctx, chairA(w), w.group, m.id, { bySideId: w.sideA });
    expect((await invite('memberB', m.id)).ev).toMatchObject({ status: 'TENTATIVE', sequence: 1 });
    const s = slot(1);
    await svc.rescheduleMeeting(t.ctx, chairA(w), w.group, m.id, { ...s, timeZone: 'UTC' });
    const started = await svc.startMeeting(t.ctx, chairA(w), w.group, m.id);
    expect((await invite('memberB', m.id)).ev).toMatchObject({ status: 'CONFIRMED', sequence: 2 });
    // Held a day before the planned slot: calendars move the entry to when it was held.
    const ended = await svc.endMeeting(t.ctx, chairA(w), w.group, m.id);
    const { ev } = await invite('memberB', m.id);
    expect(ev).toMatchObject({ status: 'CONFIRMED', sequence: 3 });
    // iCalendar times are whole seconds.
    const secs = (d: Date) => Math.floor(d.getTime() / 1000);
    expect(secs(ev.start)).toBe(secs(started.startedAt!));
    expect(secs(ev.end)).toBe(secs(ended.endedAt!));
  });

  it('invites only the owning side to a side-only meeting', async () => {
    const s = slot(2);
    const m = await svc.createMeeting(t.ctx, chairA(w), w.group, {
      title: 'A only',
      format: 'hybrid',
      location: 'Embassy',
      start: s.start,
      end: s.end,
      timeZone: 'America/New_York',
      marking: 'side-only',
      sideId: w.sideA,
    });
    const { ev } = await invite('observerA', m.id);
    const names = ev.attendees.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['chairA', 'memberA', 'observerA', w.hiddenMemberA.name]));
    expect(names).not.toContain('chairB');
    expect(names).not.toContain('memberB');
    expect((await (await as('chairB')).get(`/api/meetings/${m.id}/invite.ics`)).statusCode).toBe(404);
  });
});
