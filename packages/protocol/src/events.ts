import { z } from 'zod';
import { Id } from './common.js';
import { FloorChange } from './floor.js';
import { InterpretationChange } from './interpretation.js';
import { MlsCommitRequestedEvent, MlsMessageEvent, MlsReestablishedEvent, MlsWelcomeEvent } from './keys.js';
import { MeetingPhase, MeetingStatus } from './meetings.js';

/**
 * Domain events: what the server tells subscribers of a topic after a write has committed. `kind` says what
 * changed, `resourceType`/`resourceId` what to refetch through the REST API; only the MLS events and a meeting's
 * change carry `data`. Events carry ids and states, never text, so they may go to everyone who may see the item.
 * Each kind has its own schema: a server that builds an event through `domainEvent` cannot send a payload its
 * kind does not describe, and a client that narrows on `kind` reads typed `data`.
 */

/** `data` of every meeting event: enough for a list to update its badge before it refetches. */
export const MeetingChange = z.object({ status: MeetingStatus, phase: MeetingPhase, sequence: z.number().int() });
export type MeetingChange = z.infer<typeof MeetingChange>;

const RosterResource = z.enum(['side', 'agency', 'membership']);

/** An event that names its resource and nothing more. */
const idOnly =
  <R extends z.ZodType<string>>(resourceType: R) =>
  <K extends string>(kind: K) =>
    z.object({ kind: z.literal(kind), groupId: Id, resourceType, resourceId: Id });

/** An event whose `data` has the given schema. */
const withData =
  <R extends z.ZodType<string>, D extends z.ZodType>(resourceType: R, data: D) =>
  <K extends string>(kind: K) =>
    z.object({ kind: z.literal(kind), groupId: Id, resourceType, resourceId: Id, data });

const meeting = withData(z.literal('meeting'), MeetingChange);
/** Agenda events go to the meeting's topic; `agenda.reordered` names the meeting itself. */
const agenda = idOnly(z.literal('agenda_item'));
const readout = idOnly(z.literal('readout'));
const outcome = idOnly(z.literal('outcome'));
const statement = idOnly(z.literal('statement'));
/** Floor events go to the meeting's topic and name the meeting; clients refetch the speakers' list. */
const floor = withData(z.literal('floor'), FloorChange);
/** Interpretation events go to the meeting's topic and name the meeting; clients refetch the assignments. */
const interpretation = withData(z.literal('interpretation'), InterpretationChange);
const mlsGroup = z.literal('mls-group');

export const DomainEvent = z.discriminatedUnion('kind', [
  meeting('meeting.created'),
  meeting('meeting.updated'),
  // One per meeting history entry (`MeetingEventKind`): the server announces `meeting.<details.kind>`.
  meeting('meeting.planned'),
  meeting('meeting.cancelled'),
  meeting('meeting.re_requested'),
  meeting('meeting.rescheduled'),
  meeting('meeting.format_changed'),
  meeting('meeting.postponed'),
  meeting('meeting.started'),
  meeting('meeting.ended'),
  meeting('meeting.shared'),
  meeting('meeting.speaking_time'),
  meeting('meeting.interpreter_assigned'),
  meeting('meeting.interpreter_unassigned'),
  agenda('agenda.item_created'),
  agenda('agenda.item_updated'),
  agenda('agenda.item_deleted'),
  agenda('agenda.reordered'),
  readout('readout.created'),
  readout('readout.saved'),
  readout('readout.published'),
  outcome('outcome.created'),
  outcome('outcome.updated'),
  outcome('outcome.status'),
  outcome('outcome.deleted'),
  statement('statement.created'),
  statement('statement.edited'),
  statement('statement.approved'),
  statement('statement.published'),
  floor('floor.hand_raised'),
  floor('floor.hand_lowered'),
  floor('floor.given'),
  floor('floor.taken'),
  floor('floor.allowance_set'),
  floor('floor.closed'),
  interpretation('interpretation.assigned'),
  interpretation('interpretation.removed'),
  idOnly(RosterResource)('roster.changed'),
  idOnly(z.literal('track'))('track.created'),
  // On the `user:` topic of the device's owner.
  withData(mlsGroup, MlsWelcomeEvent)('mls.welcome'),
  // The rest of the MLS events on `mls:<mlsGroupId>`.
  withData(mlsGroup, MlsMessageEvent)('mls.message'),
  withData(mlsGroup, MlsCommitRequestedEvent)('mls.commit-requested'),
  withData(mlsGroup, MlsReestablishedEvent)('mls.reestablished'),
]);
export type DomainEvent = z.infer<typeof DomainEvent>;
export type DomainEventKind = DomainEvent['kind'];
/** The event of one kind (or of several, e.g. `DomainEventOf<'meeting.ended' | 'meeting.cancelled'>`). */
export type DomainEventOf<K extends DomainEventKind> = Extract<DomainEvent, { kind: K }>;
/** Everything of an event but its kind: what a publisher supplies. */
export type DomainEventFields<K extends DomainEventKind> = Omit<DomainEventOf<K>, 'kind'>;

export const DOMAIN_EVENT_KINDS: readonly DomainEventKind[] = DomainEvent.options.map((o) => o.shape.kind.value);

/** The events of one family, named by the prefix of their kinds. */
type Family<P extends string> = Extract<DomainEvent, { kind: `${P}.${string}` }>;
export type MeetingChangedEvent = Family<'meeting'>;
export type AgendaEvent = Family<'agenda'>;
export type ReadoutEvent = Family<'readout'>;
export type OutcomeEvent = Family<'outcome'>;
export type StatementEvent = Family<'statement'>;
export type FloorEvent = Family<'floor'>;
export type InterpretationEvent = Family<'interpretation'>;
export type RosterChangedEvent = DomainEventOf<'roster.changed'>;
export type TrackCreatedEvent = DomainEventOf<'track.created'>;
export type MlsWelcomeDomainEvent = DomainEventOf<'mls.welcome'>;
export type MlsMessageDomainEvent = DomainEventOf<'mls.message'>;
export type MlsCommitRequestedDomainEvent = DomainEventOf<'mls.commit-requested'>;
export type MlsReestablishedDomainEvent = DomainEventOf<'mls.reestablished'>;

/**
 * Builds the event of one kind. Its fields are checked against that kind's schema twice: by the compiler, so a
 * wrong payload does not build, and by the schema at run time, which also drops any field the schema does not
 * name, so nothing more than the kind describes can reach a subscriber.
 */
export function domainEvent<K extends DomainEventKind>(kind: K, fields: DomainEventFields<K>): DomainEvent {
  const parsed = DomainEvent.safeParse({ ...fields, kind });
  if (!parsed.success) throw new Error(`a ${kind} event that its schema refuses: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Narrows an event to one kind (or several) where a plain `event.kind === …` cannot, e.g. in a generic wait. */
export const isEventOf = <K extends DomainEventKind>(
  event: DomainEvent,
  ...kinds: readonly K[]
): event is DomainEventOf<K> => kinds.some((k) => k === event.kind);
