import {
  domainEvent,
  type InterpreterRecord,
  type Marking,
  type MeetingChangedEvent,
  type MeetingEventDetails,
  type MeetingFormat,
  type RequestChannel,
  type SpeakingTimeRecord,
} from '@parley/protocol';
import { eq } from 'drizzle-orm';
import type { AppContext } from '../../context.js';
import { conflict, fieldError, withCode } from '../../http/errors.js';
import type { GroupFacts } from '../../policy/policy.js';
import { runWrite, type WriteContext, type WriteScope } from '../../services/write.js';
import { findMeeting, type MeetingRow, meetingItem } from './queries.js';
import { meetingEvents, meetings } from './schema.js';
import { assertCan, type MeetingCommand, phaseOf, stateOf } from './state-machine.js';

/** A meeting write runs on its own, or nested in another module's write (a call starting its meeting). */
type Ctx = WriteContext & Pick<AppContext, 'config'>;

/** Who acts, and for which side of the group (null for someone without a side, e.g. the demo loader). */
export interface MeetingActor {
  userId: string | null;
  sideId: string | null;
}

/** Options for loaders that replay a past history (the demo); routes always use the current time. */
export interface WhenOptions {
  at?: Date;
}

const MAX_LENGTH_MS = 14 * 24 * 3_600_000;
const CLOCK_SKEW_MS = 5 * 60_000;

function checkSlot(start: Date, end: Date, prefix = 'body'): void {
  if (end.getTime() <= start.getTime())
    throw fieldError(400, `${prefix}.end`, 'must be after start', 'end_after_start');
  if (end.getTime() - start.getTime() > MAX_LENGTH_MS)
    throw fieldError(400, `${prefix}.end`, 'at most 14 days after start', 'at_most_days_after_start', {
      days: 14,
    });
}

/**
 * A meeting is planned, or moved, to a time still to come: a slot already begun would sit under "Past" as
 * planned for good. What already happened is recorded by starting and ending the meeting (`at` may lie in the
 * past), which also files it under when it was held. Editing a past meeting's title or location stays allowed.
 */
function checkNotPast(start: Date, now: Date, path = 'body.start'): void {
  if (start.getTime() < now.getTime() - CLOCK_SKEW_MS)
    throw fieldError(400, path, 'is in the past: choose a start that is still to come', 'start_in_past');
}

function checkLocation(format: MeetingFormat, location: string, path = 'body.location'): void {
  if (format !== 'video' && location.trim() === '') {
    throw fieldError(400, path, 'an in-person or hybrid meeting needs a location', 'location_needed');
  }
}

/** Announces a change to everyone who may see the meeting, on its group and its own topic. */
export function announce(w: WriteScope, m: MeetingRow, group: GroupFacts, kind: MeetingChangedEvent['kind']): void {
  const data = { status: m.status, phase: phaseOf(m), sequence: m.sequence };
  const event = domainEvent(kind, { groupId: group.id, resourceType: 'meeting', resourceId: m.id, data });
  const audience = { item: meetingItem(m, group) };
  for (const topic of [`group:${group.id}`, `meeting:${m.id}`] as const) w.emit({ topic, event, audience });
}

async function appendEvent(
  w: WriteScope,
  m: MeetingRow,
  sideId: string | null,
  details: MeetingEventDetails,
  at: Date,
): Promise<void> {
  await w.tx
    .insert(meetingEvents)
    .values({ meetingId: m.id, kind: details.kind, at, actorUserId: w.actorUserId, sideId, details });
}

async function audit(w: WriteScope, action: string, before: MeetingRow | undefined, after: MeetingRow) {
  await w.audit({
    action: `meeting.${action}`,
    resourceType: 'meeting',
    resourceId: after.id,
    groupId: after.groupId,
    sideId: after.sideId,
    marking: after.marking,
    before,
    after,
  });
}

export interface CreateMeetingInput {
  title: string;
  format: MeetingFormat;
  location: string;
  start: Date;
  end: Date;
  timeZone: string;
  marking: Marking;
  sideId: string | null;
}

export async function createMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  input: CreateMeetingInput,
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  const at = opts.at ?? new Date();
  checkNotPast(input.start, at);
  checkSlot(input.start, input.end);
  checkLocation(input.format, input.location);
  const id = crypto.randomUUID();
  const host = new URL(ctx.config.publicUrl).hostname || 'parley.invalid';
  return runWrite(ctx, actor.userId, async (w) => {
    const [m] = await w.tx
      .insert(meetings)
      .values({
        id,
        groupId: group.id,
        title: input.title,
        format: input.format,
        location: input.location,
        startsAt: input.start,
        endsAt: input.end,
        timeZone: input.timeZone,
        marking: input.marking,
        sideId: input.marking === 'side-only' ? input.sideId : null,
        // Stable for the meeting's whole life, so calendar clients update the same entry.
        icalUid: `${id}@${host}`,
        createdBy: actor.userId,
        createdAt: at,
        updatedAt: at,
      })
      .returning();
    const row = m!;
    const slot = { start: input.start.toISOString(), end: input.end.toISOString(), timeZone: input.timeZone };
    await appendEvent(w, row, actor.sideId, { kind: 'planned', format: input.format, slot }, at);
    await audit(w, 'create', undefined, row);
    announce(w, row, group, 'meeting.created');
    return row;
  });
}

/**
 * The shape of every change: lock the row, check the state machine, apply, append history, audit, announce.
 * A thrown error rolls the whole transaction back, so a refused change leaves nothing behind.
 */
async function change(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  command: MeetingCommand,
  apply: (m: MeetingRow) => {
    set: Partial<typeof meetings.$inferInsert>;
    event?: { sideId: string | null; details: MeetingEventDetails; at: Date };
    bump: boolean;
  },
): Promise<MeetingRow> {
  return runWrite(ctx, actorUserId, async (w) => {
    const before = await findMeeting(w.tx, meetingId, true);
    assertCan(before, command);
    const { set, event, bump } = apply(before);
    const [after] = await w.tx
      .update(meetings)
      .set({ ...set, updatedAt: new Date(), ...(bump ? { sequence: before.sequence + 1 } : {}) })
      .where(eq(meetings.id, meetingId))
      .returning();
    const row = after!;
    if (event) await appendEvent(w, row, event.sideId, event.details, event.at);
    await audit(w, command, before, row);
    announce(w, row, group, event ? `meeting.${event.details.kind}` : 'meeting.updated');
    return row;
  });
}

export function updateMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  patch: { title?: string; location?: string },
): Promise<MeetingRow> {
  return change(ctx, actor.userId, group, meetingId, 'edit', (m) => {
    if (patch.location !== undefined) checkLocation(m.format, patch.location);
    const changed =
      (patch.title !== undefined && patch.title !== m.title) ||
      (patch.location !== undefined && patch.location !== m.location);
    return { set: patch, bump: changed };
  });
}

export function cancelMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { reason: string; bySideId: string },
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  return change(ctx, actor.userId, group, meetingId, 'cancel', () => ({
    set: { status: 'cancelled' },
    event: {
      sideId: input.bySideId,
      details: { kind: 'cancelled', reason: input.reason, bySideId: input.bySideId },
      at: opts.at ?? new Date(),
    },
    bump: true,
  }));
}

export function reRequestMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { bySideId: string; channel: RequestChannel; backChannelRef?: string | null },
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  if (input.backChannelRef && input.channel !== 'back_channel') {
    throw fieldError(
      400,
      'body.backChannelRef',
      'only a back-channel request links a back-channel message',
      'back_channel_only',
    );
  }
  return change(ctx, actor.userId, group, meetingId, 're_request', () => ({
    set: { status: 'planned' },
    event: {
      sideId: input.bySideId,
      details: {
        kind: 're_requested',
        bySideId: input.bySideId,
        channel: input.channel,
        backChannelRef: input.backChannelRef ?? null,
      },
      at: opts.at ?? new Date(),
    },
    bump: true,
  }));
}

export function rescheduleMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { start: Date; end: Date; timeZone: string; reason?: string | null },
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  checkNotPast(input.start, opts.at ?? new Date());
  checkSlot(input.start, input.end);
  return change(ctx, actor.userId, group, meetingId, 'reschedule', (m) => ({
    // A postponed meeting with a new date is planned again.
    set: { startsAt: input.start, endsAt: input.end, timeZone: input.timeZone, status: 'planned' },
    event: {
      sideId: actor.sideId,
      details: {
        kind: 'rescheduled',
        from: { start: m.startsAt.toISOString(), end: m.endsAt.toISOString(), timeZone: m.timeZone },
        to: { start: input.start.toISOString(), end: input.end.toISOString(), timeZone: input.timeZone },
        reason: input.reason ?? null,
      },
      at: opts.at ?? new Date(),
    },
    bump: true,
  }));
}

export function changeMeetingFormat(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { format: MeetingFormat; reason: string; location?: string },
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  return change(ctx, actor.userId, group, meetingId, 'change_format', (m) => {
    if (m.format === input.format)
      throw withCode(
        conflict(`The meeting is already ${input.format.replace('_', ' ')}`, stateOf(m)),
        'already_this_format',
      );
    // A secure video meeting has no place: keeping the old one would send people to the wrong address.
    const location = input.format === 'video' ? '' : (input.location ?? m.location);
    checkLocation(input.format, location);
    return {
      set: { format: input.format, location },
      event: {
        sideId: actor.sideId,
        details: { kind: 'format_changed', from: m.format, to: input.format, reason: input.reason },
        at: opts.at ?? new Date(),
      },
      bump: true,
    };
  });
}

export function postponeMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { bySideId: string; reason?: string | null },
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  return change(ctx, actor.userId, group, meetingId, 'postpone', () => ({
    set: { status: 'postponed' },
    event: {
      sideId: input.bySideId,
      details: { kind: 'postponed', bySideId: input.bySideId, reason: input.reason ?? null },
      at: opts.at ?? new Date(),
    },
    bump: true,
  }));
}

/**
 * A chair of the owning side reclassifies a side-only meeting as shared. What the other side then sees: the
 * meeting, its history and its shared agenda items; side-only agenda items, readouts and outcomes keep their
 * own markings. The invitation changes audience, so SEQUENCE moves.
 */
export function shareMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  opts: WhenOptions = {},
): Promise<MeetingRow> {
  return change(ctx, actor.userId, group, meetingId, 'share', (m) => {
    if (m.marking === 'shared' || m.sideId === null)
      throw withCode(conflict('The meeting is already shared', stateOf(m)), 'already_shared');
    return {
      set: { marking: 'shared', sideId: null },
      event: { sideId: m.sideId, details: { kind: 'shared', bySideId: m.sideId }, at: opts.at ?? new Date() },
      bump: true,
    };
  });
}

function checkNotFuture(at: Date): void {
  if (at.getTime() > Date.now() + CLOCK_SKEW_MS)
    throw fieldError(400, 'body.at', 'cannot be in the future', 'not_in_future');
}

export function startMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { at?: Date } = {},
): Promise<MeetingRow> {
  const at = input.at ?? new Date();
  checkNotFuture(at);
  return change(ctx, actor.userId, group, meetingId, 'start', () => ({
    set: { startedAt: at },
    event: { sideId: actor.sideId, details: { kind: 'started', at: at.toISOString() }, at },
    bump: false,
  }));
}

export function endMeeting(
  ctx: Ctx,
  actor: MeetingActor,
  group: GroupFacts,
  meetingId: string,
  input: { at?: Date } = {},
): Promise<MeetingRow> {
  const at = input.at ?? new Date();
  checkNotFuture(at);
  return change(ctx, actor.userId, group, meetingId, 'end', (m) => {
    const startedAt = m.startedAt as Date;
    if (at.getTime() < startedAt.getTime())
      throw fieldError(400, 'body.at', 'cannot be before the meeting started', 'before_meeting_start');
    const durationMinutes = Math.round((at.getTime() - startedAt.getTime()) / 60_000);
    // The record (lists, calendars, statements) says when the meeting was held; the plan stays in the history.
    const moved = startedAt.getTime() !== m.startsAt.getTime() || at.getTime() !== m.endsAt.getTime();
    const planned = { start: m.startsAt.toISOString(), end: m.endsAt.toISOString(), timeZone: m.timeZone };
    return {
      set: { endedAt: at, status: 'held', startsAt: startedAt, endsAt: at },
      event: {
        sideId: actor.sideId,
        details: { kind: 'ended', at: at.toISOString(), durationMinutes, ...(moved ? { planned } : {}) },
        at,
      },
      // Calendars move the entry to when it was held only if SEQUENCE moves with it.
      bump: moved,
    };
  });
}

/**
 * The speakers' list of the meeting's call closed: its time per side and per speaker joins the meeting's history
 * (the record shows it). Not a lifecycle change, so the state machine is not asked; the meeting row is locked so the
 * entry lands in order with a concurrent end.
 */
export function recordSpeakingTime(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  record: Omit<SpeakingTimeRecord, 'kind'>,
  at: Date,
): Promise<void> {
  return appendRecordEntry(ctx, actorUserId, group, meetingId, { kind: 'speaking_time', ...record }, record, at);
}

/**
 * An interpreter was assigned to a language pair, or their assignment ended: the meeting's history keeps it (the
 * record shows who interpreted what). Joins the interpretation module's write, so the change and its entry land
 * together or not at all; the meeting row is locked for the same order as any other entry.
 */
export function recordInterpreterChange(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  record: InterpreterRecord,
  at = new Date(),
): Promise<void> {
  return appendRecordEntry(ctx, actorUserId, group, meetingId, record, record, at);
}

/**
 * A history entry that records what happened in a call (speaking time, interpreters), with its audit entry and its
 * event, in one write; the meeting row is locked for the same order as any other entry.
 */
function appendRecordEntry(
  ctx: Ctx,
  actorUserId: string | null,
  group: GroupFacts,
  meetingId: string,
  details: Extract<MeetingEventDetails, { kind: 'speaking_time' | InterpreterRecord['kind'] }>,
  audited: unknown,
  at: Date,
): Promise<void> {
  return runWrite(ctx, actorUserId, async (w) => {
    const m = await findMeeting(w.tx, meetingId, true);
    await appendEvent(w, m, null, details, at);
    await w.audit({
      action: `meeting.${details.kind}`,
      resourceType: 'meeting',
      resourceId: m.id,
      groupId: m.groupId,
      sideId: m.sideId,
      marking: m.marking,
      after: audited,
    });
    announce(w, m, group, `meeting.${details.kind}`);
  });
}
