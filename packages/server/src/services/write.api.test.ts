import { randomUUID } from 'node:crypto';
import { asc, eq, gt, max } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '../context.js';
import { auditLog } from '../modules/audit/schema.js';
import { recordCallStart } from '../modules/calls/service.js';
import { groups } from '../modules/groups/schema.js';
import { findMeetingFacts } from '../modules/meetings/index.js';
import { createMeeting, startMeeting } from '../modules/meetings/service.js';
import { chairA, slot, unique } from '../modules/meetings/test-support/fixtures.js';
import { actor, makeOutcome, membershipIdOf } from '../modules/outcomes/test-support/fixtures.js';
import { createTrack } from '../modules/tracks/service.js';
import type { Envelope } from '../realtime/hub.js';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { buildWorld, type World } from '../test-support/world.js';
import { runWrite, type WriteContext } from './write.js';

let t: TestApp;
let w: World;
beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.ctx);
});
afterAll(() => t.close());

/** Every envelope the hub delivers from now on, as a subscriber on any node would get it. */
function listen(): { seen: (string | Envelope)[]; stop: () => void } {
  const seen: (string | Envelope)[] = [];
  return { seen, stop: t.ctx.hub.watch((e) => seen.push(e)) };
}

const lastAuditSeq = async () => (await t.ctx.db.select({ seq: max(auditLog.seq) }).from(auditLog))[0]?.seq ?? 0;
const auditSince = (seq: number) =>
  t.ctx.db
    .select({ action: auditLog.action, resourceId: auditLog.resourceId })
    .from(auditLog)
    .where(gt(auditLog.seq, seq))
    .orderBy(asc(auditLog.seq));

/** A shared video meeting planned in the next hour, written through `ctx` (the app, or a nested write's). */
const videoMeeting = (ctx: WriteContext & Pick<AppContext, 'config'> = t.ctx, days = 0.01) => {
  const s = slot(days);
  return createMeeting(ctx, chairA(w), w.group, {
    title: `Composed ${unique()}`,
    format: 'video',
    location: '',
    start: s.start,
    end: s.end,
    timeZone: 'UTC',
    marking: 'shared',
    sideId: null,
  });
};

describe('writes compose in one transaction (docs/architecture.md §3.3)', () => {
  it('a write that fails after its nested writes stores nothing and publishes nothing', async () => {
    const outcome = await makeOutcome(w, 'memberB', { kind: 'commitment', text: 'Hold expert talks' });
    const chair = await actor(w, 'chairB');
    const experts = [
      { membershipId: await membershipIdOf(w, 'memberA'), role: 'chair' as const },
      { membershipId: await membershipIdOf(w, 'memberB'), role: 'member' as const },
    ];
    const before = await lastAuditSeq();
    const name = `Doomed track ${unique()}`;
    const hub = listen();
    // The group, its sides, agencies and experts are written by the groups services nested in the track's write;
    // the track row written after them names an outcome that is gone (a foreign key the database enforces).
    await expect(
      createTrack(t.ctx, chair, w.group, { ...outcome, id: randomUUID() }, { name, description: '', experts }),
    ).rejects.toThrow();
    hub.stop();

    expect(await t.ctx.db.select().from(groups).where(eq(groups.name, name))).toEqual([]);
    expect(await auditSince(before)).toEqual([]);
    expect(hub.seen).toEqual([]);
  });

  it('a composed write publishes each event once, in order, after the outer write has finished', async () => {
    const m = await videoMeeting();
    const hub = listen();
    const started = await runWrite(t.ctx, w.users.chairA.id, async (outer) => {
      const nested = outer.nested(t.ctx);
      const late = await videoMeeting(nested, 0.02);
      const row = await startMeeting(nested, chairA(w), w.group, m.id);
      hub.seen.push('outer write done');
      return { row, late };
    });
    hub.stop();

    expect(hub.seen.map((e) => (typeof e === 'string' ? e : `${e.event.kind} ${e.topic}`))).toEqual([
      'outer write done',
      `meeting.created group:${w.group.id}`,
      `meeting.created meeting:${started.late.id}`,
      `meeting.started group:${w.group.id}`,
      `meeting.started meeting:${m.id}`,
    ]);
    expect(started.row.startedAt).not.toBeNull();
  });

  it('starting a call starts its meeting: both rows and audit entries commit together, events go out once', async () => {
    const m = await videoMeeting();
    const facts = (await findMeetingFacts(t.ctx.db, m.id))!;
    const before = await lastAuditSeq();
    const hub = listen();
    const call = await recordCallStart(t.ctx, chairA(w), facts, { node: null, room: 4242 }, new Date());
    hub.stop();

    expect((await findMeetingFacts(t.ctx.db, m.id))?.startedAt).not.toBeNull();
    expect(await auditSince(before)).toEqual([
      { action: 'call.start', resourceId: call.id },
      { action: 'meeting.start', resourceId: m.id },
    ]);
    expect(hub.seen.map((e) => (typeof e === 'string' ? e : `${e.event.kind} ${e.topic}`))).toEqual([
      `meeting.started group:${w.group.id}`,
      `meeting.started meeting:${m.id}`,
    ]);
  });

  it('a nested write that fails leaves nothing of itself, and the enclosing write fails with it', async () => {
    const m = await videoMeeting();
    const before = await lastAuditSeq();
    const hub = listen();
    await expect(
      runWrite(t.ctx, w.users.chairA.id, async (outer) => {
        await startMeeting(outer.nested(t.ctx), chairA(w), w.group, m.id);
        // Starting twice is refused by the meeting's state machine, after the first start was written.
        await startMeeting(outer.nested(t.ctx), chairA(w), w.group, m.id);
      }),
    ).rejects.toMatchObject({ status: 409 });
    hub.stop();

    expect((await findMeetingFacts(t.ctx.db, m.id))?.startedAt).toBeNull();
    expect(await auditSince(before)).toEqual([]);
    expect(hub.seen).toEqual([]);
  });
});
