import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test-support/app.js';
import { buildWorld, type Persona, sessionCookieFor, type World } from '../../test-support/world.js';
import { addAgendaItem } from './agenda-service.js';
import * as svc from './service.js';
import { chairA, freshMeeting, meetingSecrets, slot } from './test-support/fixtures.js';
import { parseIcs } from './test-support/ical.js';
import { WsProbe } from './test-support/ws.js';

let t: TestApp;
let w: World;
let secrets: string[];
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
  secrets = (await meetingSecrets(w)).strings;
});
afterAll(() => t.close());

const as = (p: Persona) => w.client(p);
const expectClean = (body: string) => {
  for (const s of secrets) expect(body).not.toContain(s);
};

describe('side-only meetings stay with their side', () => {
  it('lists, reads and history', async () => {
    const { privateMeeting, sharedMeeting } = await meetingSecrets(w);
    const memberA = await as('memberA');
    const listA = await memberA.get(`/api/groups/${w.group.id}/meetings`);
    expect(listA.body).toContain(privateMeeting.id);
    for (const p of ['chairB', 'memberB'] as const) {
      const c = await as(p);
      const list = await c.get(`/api/groups/${w.group.id}/meetings`);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(sharedMeeting.id);
      expectClean(list.body);
      expectClean((await c.get(`/api/meetings/${sharedMeeting.id}`)).body);
      expectClean((await c.get(`/api/meetings/${sharedMeeting.id}/agenda`)).body);
      // The same answer as for an id that never existed (the problem document only echoes the request path).
      const direct = await c.get(`/api/meetings/${privateMeeting.id}`);
      const random = crypto.randomUUID();
      const missing = await c.get(`/api/meetings/${random}`);
      expect(direct.statusCode).toBe(404);
      expect(direct.body.replace(privateMeeting.id, random)).toBe(missing.body);
      for (const sub of ['agenda', 'invite.ics']) {
        expect((await c.get(`/api/meetings/${privateMeeting.id}/${sub}`)).statusCode).toBe(404);
      }
    }
    // The operator reads shared meetings, never a side's own.
    const admin = await as('admin');
    expect((await admin.get(`/api/meetings/${privateMeeting.id}`)).statusCode).toBe(404);
    expectClean((await admin.get(`/api/groups/${w.group.id}/meetings`)).body);
  });

  it('does not name the other side’s side-only delegates in the history', async () => {
    const zelda = w.hiddenMemberA;
    const s = slot(6);
    const m = await svc.createMeeting(t.ctx, { userId: zelda.id, sideId: w.sideA }, w.group, {
      title: 'Proposed by a hidden delegate',
      format: 'video',
      location: '',
      start: s.start,
      end: s.end,
      timeZone: 'UTC',
      marking: 'shared',
      sideId: null,
    });
    const seenByB = await (await as('chairB')).get(`/api/meetings/${m.id}`);
    expect(seenByB.json().history[0]).toMatchObject({
      kind: 'planned',
      actorUserId: null,
      actorName: null,
      sideId: w.sideA,
    });
    expect(seenByB.body).not.toContain(zelda.id);
    expect(seenByB.body).not.toContain(zelda.name);
    const seenByA = (await (await as('memberA')).get(`/api/meetings/${m.id}`)).json();
    expect(seenByA.history[0]).toMatchObject({ actorUserId: zelda.id, actorName: zelda.name });
  });

  it('invitations list only the people the reader may see', async () => {
    const { sharedMeeting } = await meetingSecrets(w);
    const b = await (await as('chairB')).get(`/api/meetings/${sharedMeeting.id}/invite.ics`);
    expect(b.statusCode).toBe(200);
    const seenByB = parseIcs(b.body).events[0]!.attendees;
    const names = seenByB.map((x) => x.name);
    expect(names).toEqual(expect.arrayContaining(['chairA', 'memberA', 'observerA', 'chairB', 'memberB']));
    expect(names).not.toContain(w.hiddenMemberA.name);
    expectClean(b.body);
    expect(b.body.replace(/\r\n /g, '')).not.toContain(w.hiddenMemberA.membershipId);
    // Another side's contact addresses are not handed out; one's own side's are.
    const addressOf = (n: string) => seenByB.find((x) => x.name === n)?.address.toLowerCase();
    expect(addressOf('chairA')).not.toContain(w.users.chairA.email);
    expect(addressOf('memberB')).toBe(`mailto:${w.users.memberB.email}`);
    const a = await (await as('chairA')).get(`/api/meetings/${sharedMeeting.id}/invite.ics`);
    const seenByA = parseIcs(a.body).events[0]!.attendees;
    expect(seenByA.map((x) => x.name)).toContain(w.hiddenMemberA.name);
    expect(seenByA.find((x) => x.name === 'chairA')?.address.toLowerCase()).toBe(`mailto:${w.users.chairA.email}`);
  });
});

describe('live updates', () => {
  it('reach each side only with what that side may see', async () => {
    // chairB connects first, so by the time memberA has an event, chairB's copy has been decided too.
    const b = await WsProbe.open(t.app, await sessionCookieFor(t.ctx, w.users.chairB.id));
    const a = await WsProbe.open(t.app, await sessionCookieFor(t.ctx, w.users.memberA.id));
    try {
      const shared = await freshMeeting(w, 'planned', { title: 'Live plenary' });
      for (const p of [a, b]) {
        expect(await p.subscribe(`group:${w.group.id}`)).toMatchObject({ type: 'subscribed' });
        expect(await p.subscribe(`meeting:${shared.id}`)).toMatchObject({ type: 'subscribed' });
      }
      const s = slot(2);
      const hidden = await svc.createMeeting(t.ctx, chairA(w), w.group, {
        title: 'Live side-only prep',
        format: 'video',
        location: '',
        start: s.start,
        end: s.end,
        timeZone: 'UTC',
        marking: 'side-only',
        sideId: w.sideA,
      });
      expect(await b.subscribe(`meeting:${hidden.id}`)).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(await a.subscribe(`meeting:${hidden.id}`)).toMatchObject({ type: 'subscribed' });
      const hiddenItem = await addAgendaItem(t.ctx, w.users.memberA.id, w.group, shared.id, {
        title: 'Live caucus',
        notes: '',
        marking: 'side-only',
        sideId: w.sideA,
      });
      await svc.cancelMeeting(t.ctx, chairA(w), w.group, hidden.id, { reason: 'internal', bySideId: w.sideA });
      const sentinel = await svc.rescheduleMeeting(t.ctx, chairA(w), w.group, shared.id, {
        start: slot(3).start,
        end: slot(3).end,
        timeZone: 'UTC',
      });

      await a.next(
        (m) => m.type === 'event' && m.event.kind === 'meeting.rescheduled' && m.topic.startsWith('meeting:'),
      );
      await b.flush();
      const kindsA = a.events().map((e) => `${e.topic.split(':')[0]}:${e.event.kind}:${e.event.resourceId}`);
      expect(kindsA).toEqual(
        expect.arrayContaining([
          `group:meeting.created:${hidden.id}`,
          `meeting:agenda.item_created:${hiddenItem.id}`,
          `meeting:meeting.cancelled:${hidden.id}`,
          `group:meeting.rescheduled:${sentinel.id}`,
        ]),
      );
      const bodyB = JSON.stringify(b.messages);
      expect(b.events().map((e) => e.event.kind)).toEqual(['meeting.rescheduled', 'meeting.rescheduled']);
      expect(bodyB).not.toContain(hidden.id);
      expect(bodyB).not.toContain(hiddenItem.id);
    } finally {
      a.close();
      b.close();
    }
  });
});
