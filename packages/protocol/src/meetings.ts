import { z } from 'zod';
import { freeText, Id, Marking, singleLine, Timestamp } from './common.js';
import { SpeakingTimeRecord } from './floor.js';
import { InterpreterRecord } from './interpretation.js';

export const MeetingFormat = z.enum(['in_person', 'video', 'hybrid']);
export type MeetingFormat = z.infer<typeof MeetingFormat>;

export const MeetingStatus = z.enum(['planned', 'postponed', 'cancelled', 'held']);
export type MeetingStatus = z.infer<typeof MeetingStatus>;

/** The status plus whether the meeting is under way: a started meeting stays `planned` until it ends (`held`). */
export const MeetingPhase = z.enum(['planned', 'in_progress', 'postponed', 'cancelled', 'held']);
export type MeetingPhase = z.infer<typeof MeetingPhase>;

export const RequestChannel = z.enum(['back_channel', 'official']);
export type RequestChannel = z.infer<typeof RequestChannel>;

export const MeetingEventKind = z.enum([
  'planned',
  'cancelled',
  're_requested',
  'rescheduled',
  'format_changed',
  'postponed',
  'started',
  'ended',
  'shared',
  'speaking_time',
  'interpreter_assigned',
  'interpreter_unassigned',
]);
export type MeetingEventKind = z.infer<typeof MeetingEventKind>;

/** Any IANA zone name the runtime's Intl knows (e.g. `Europe/Berlin`, `UTC`). */
export const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'must be an IANA time zone such as Europe/Berlin');

const MeetingTitle = singleLine(z.string().trim().min(1).max(200));
const Location = singleLine(z.string().trim().max(300));
const Reason = freeText(z.string().trim().min(1).max(2000));

export const Meeting = z.object({
  id: Id,
  groupId: Id,
  title: z.string(),
  format: MeetingFormat,
  location: z.string(),
  start: Timestamp,
  end: Timestamp,
  timeZone: z.string(),
  status: MeetingStatus,
  phase: MeetingPhase,
  marking: Marking,
  /** The owning side of a side-only meeting; null for shared meetings. */
  sideId: Id.nullable(),
  icalUid: z.string(),
  sequence: z.number().int(),
  startedAt: Timestamp.nullable(),
  endedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Meeting = z.infer<typeof Meeting>;

const Slot = z.object({ start: Timestamp, end: Timestamp, timeZone: z.string() });

/** Per-kind details of a history entry. */
export const MeetingEventDetails = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('planned'), format: MeetingFormat, slot: Slot }),
  z.object({ kind: z.literal('cancelled'), reason: z.string(), bySideId: Id }),
  z.object({
    kind: z.literal('re_requested'),
    bySideId: Id,
    channel: RequestChannel,
    /** Opaque id of the E2EE back-channel message; the server never holds its text. */
    backChannelRef: Id.nullable(),
  }),
  z.object({ kind: z.literal('rescheduled'), from: Slot, to: Slot, reason: z.string().nullable() }),
  z.object({ kind: z.literal('format_changed'), from: MeetingFormat, to: MeetingFormat, reason: z.string() }),
  z.object({ kind: z.literal('postponed'), bySideId: Id, reason: z.string().nullable() }),
  z.object({ kind: z.literal('started'), at: Timestamp }),
  z.object({
    kind: z.literal('ended'),
    at: Timestamp,
    durationMinutes: z.number().int(),
    /** The slot as planned, kept when the record moves to when the meeting was actually held. */
    planned: Slot.optional(),
  }),
  /** A side-only meeting reclassified by a chair of its side: from here on every side sees it. */
  z.object({ kind: z.literal('shared'), bySideId: Id }),
  /** The call's speakers' list closed with the call: time per side and per speaker. */
  SpeakingTimeRecord,
  /** A chair assigned an interpreter to a language pair, or ended the assignment. */
  InterpreterRecord.extend({ kind: z.literal('interpreter_assigned') }),
  InterpreterRecord.extend({ kind: z.literal('interpreter_unassigned') }),
]);
export type MeetingEventDetails = z.infer<typeof MeetingEventDetails>;

export const MeetingEvent = z.object({
  id: Id,
  meetingId: Id,
  kind: MeetingEventKind,
  at: Timestamp,
  /** Null when the actor is a delegate the caller may not know about (e.g. another side's side-only delegate). */
  actorUserId: Id.nullable(),
  actorName: z.string().nullable(),
  /** The side on whose behalf this happened. */
  sideId: Id.nullable(),
  details: MeetingEventDetails,
});
export type MeetingEvent = z.infer<typeof MeetingEvent>;

export const AgendaItem = z.object({
  id: Id,
  meetingId: Id,
  position: z.number().int(),
  title: z.string(),
  notes: z.string(),
  marking: Marking,
  sideId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type AgendaItem = z.infer<typeof AgendaItem>;
export const Agenda = z.object({ meetingId: Id, items: z.array(AgendaItem) });

export const MeetingDetail = z.object({
  meeting: Meeting,
  history: z.array(MeetingEvent),
  agenda: z.array(AgendaItem),
});
export type MeetingDetail = z.infer<typeof MeetingDetail>;

export const MeetingList = z.object({ meetings: z.array(Meeting) });

export const MeetingParams = z.strictObject({ meetingId: Id });
export const AgendaItemParams = z.strictObject({ meetingId: Id, itemId: Id });

export const MeetingListQuery = z.strictObject({
  /** One status or several, comma-separated: `planned,postponed`. */
  status: z
    .string()
    .optional()
    .transform((s) => (s ? s.split(',').map((x) => x.trim()) : undefined))
    .pipe(z.array(MeetingStatus).optional()),
  /** Meetings that end after this instant. */
  from: Timestamp.optional(),
  /** Meetings that start before this instant. */
  to: Timestamp.optional(),
});

export const CreateMeetingBody = z.strictObject({
  title: MeetingTitle,
  format: MeetingFormat,
  location: Location.default(''),
  start: Timestamp,
  end: Timestamp,
  timeZone: TimeZone,
  marking: Marking.default('shared'),
  /** Owning side of a side-only meeting; defaults to the caller's side. */
  sideId: Id.optional(),
});
export const UpdateMeetingBody = z.strictObject({
  title: MeetingTitle.optional(),
  location: Location.optional(),
});

export const CancelMeetingBody = z.strictObject({ reason: Reason, bySideId: Id });
export const ReRequestMeetingBody = z.strictObject({
  bySideId: Id,
  channel: RequestChannel,
  backChannelRef: Id.optional(),
});
export const RescheduleMeetingBody = z.strictObject({
  start: Timestamp,
  end: Timestamp,
  timeZone: TimeZone,
  reason: Reason.optional(),
});
export const ChangeFormatBody = z.strictObject({
  format: MeetingFormat,
  reason: Reason,
  /** Needed when moving to in person or hybrid without a location yet. */
  location: Location.optional(),
});
export const PostponeMeetingBody = z.strictObject({ bySideId: Id.optional(), reason: Reason.optional() });
/** `at` records a start or end after the fact (e.g. by the secretariat); defaults to now. */
export const StartMeetingBody = z.strictObject({ at: Timestamp.optional() });
export const EndMeetingBody = z.strictObject({ at: Timestamp.optional() });
/**
 * Reclassifies a side-only meeting as shared. `confirm` says the chair read what becomes visible to the other
 * side (the meeting itself, its history and its shared agenda items), so nothing is shared by a stray click.
 */
export const ShareMeetingBody = z.strictObject({
  confirm: z.literal(true, { error: 'confirm that the other side may see this meeting' }),
});

export const CreateAgendaItemBody = z.strictObject({
  title: singleLine(z.string().trim().min(1).max(300)),
  notes: freeText(z.string().trim().max(10_000)).default(''),
  marking: Marking.optional(),
  sideId: Id.optional(),
});
export const UpdateAgendaItemBody = z.strictObject({
  title: singleLine(z.string().trim().min(1).max(300)).optional(),
  notes: freeText(z.string().trim().max(10_000)).optional(),
});
/** The full order of the agenda items the caller can see; items hidden from the caller keep their places. */
export const ReorderAgendaBody = z.strictObject({ itemIds: z.array(Id).max(500) });

export const CalendarToken = z.object({
  /** Secret subscription address; shown once, only its hash is stored. */
  url: z.string(),
  createdAt: Timestamp,
});
export type CalendarToken = z.infer<typeof CalendarToken>;
export const CalendarFeedParams = z.strictObject({ token: z.string().min(1).max(200) });
