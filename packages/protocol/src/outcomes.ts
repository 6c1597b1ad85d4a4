import { z } from 'zod';
import { freeText, Id, Marking, Role, singleLine, Timestamp } from './common.js';
import { Side } from './groups.js';

export const OutcomeKind = z.enum(['agreement', 'concern', 'commitment', 'action', 'disagreement']);
export type OutcomeKind = z.infer<typeof OutcomeKind>;

export const OutcomeStatus = z.enum(['open', 'in_progress', 'done', 'dropped']);
export type OutcomeStatus = z.infer<typeof OutcomeStatus>;

/** A calendar day (`YYYY-MM-DD`): due dates are days, not instants. */
export const DueDate = z.iso.date();

export const OutcomeText = freeText(z.string().trim().min(1).max(8000));

/** One entry of a group's outcomes register, as the caller may see it. */
export const Outcome = z.object({
  id: Id,
  groupId: Id,
  kind: OutcomeKind,
  text: z.string(),
  raisedBySideId: Id.nullable(),
  addressedToSideId: Id.nullable(),
  /** The outcome this one answers (e.g. a commitment answering a concern), always in the same group. */
  respondsToId: Id.nullable(),
  /** Visible outcomes answering this one. */
  responseIds: z.array(Id),
  ownerUserId: Id.nullable(),
  ownerName: z.string().nullable(),
  due: DueDate.nullable(),
  status: OutcomeStatus,
  marking: Marking,
  /** The side that recorded the entry and, for side-only entries, the only side that sees it. */
  sideId: Id,
  meetingId: Id.nullable(),
  agendaItemId: Id.nullable(),
  createdBy: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Outcome = z.infer<typeof Outcome>;

export const OutcomeList = z.object({ outcomes: z.array(Outcome) });

export const CreateOutcomeBody = z.strictObject({
  kind: OutcomeKind,
  text: OutcomeText,
  raisedBySideId: Id.nullable().default(null),
  addressedToSideId: Id.nullable().default(null),
  respondsToId: Id.nullable().default(null),
  ownerUserId: Id.nullable().default(null),
  due: DueDate.nullable().default(null),
  status: OutcomeStatus.default('open'),
  marking: Marking.default('shared'),
  meetingId: Id.nullable().default(null),
  agendaItemId: Id.nullable().default(null),
});
export type CreateOutcomeBody = z.infer<typeof CreateOutcomeBody>;

export const UpdateOutcomeBody = z.strictObject({
  kind: OutcomeKind.optional(),
  text: OutcomeText.optional(),
  raisedBySideId: Id.nullable().optional(),
  addressedToSideId: Id.nullable().optional(),
  respondsToId: Id.nullable().optional(),
  ownerUserId: Id.nullable().optional(),
  due: DueDate.nullable().optional(),
  marking: Marking.optional(),
  meetingId: Id.nullable().optional(),
  agendaItemId: Id.nullable().optional(),
});
export type UpdateOutcomeBody = z.infer<typeof UpdateOutcomeBody>;

export const OutcomeStatusBody = z.strictObject({ status: OutcomeStatus });

export const OutcomeQuery = z.strictObject({
  meetingId: Id.optional(),
  agendaItemId: Id.optional(),
  kind: OutcomeKind.optional(),
  /** Outcomes raised by or addressed to this side. */
  sideId: Id.optional(),
  status: OutcomeStatus.optional(),
  marking: Marking.optional(),
});

/** What the group page shows at a glance, computed over what the caller may see. */
export const OutcomeSummary = z.object({
  groupId: Id,
  openActions: z.array(Outcome),
  /** Concerns no visible commitment responds to yet. */
  unansweredConcerns: z.array(Outcome),
  counts: z.object({
    byKind: z.record(OutcomeKind, z.number().int()),
    byStatus: z.record(OutcomeStatus, z.number().int()),
  }),
});
export type OutcomeSummary = z.infer<typeof OutcomeSummary>;

export const OutcomeParams = z.strictObject({ outcomeId: Id });

/** Follow-up track: experts are drawn from the parent group's delegations. */
export const CreateTrackBody = z.strictObject({
  name: singleLine(z.string().trim().min(1).max(200)),
  description: freeText(z.string().trim().max(4000)).default(''),
  experts: z
    .array(
      z.strictObject({
        /** A membership of the parent group; the expert joins the track on the same side. */
        membershipId: Id,
        role: Role.default('member'),
      }),
    )
    .min(1)
    .max(100),
});

export const TrackMeeting = z.object({
  id: Id,
  startsAt: Timestamp,
  endsAt: Timestamp.nullable(),
  format: z.string(),
  status: z.string(),
  location: z.string().nullable(),
});
export type TrackMeeting = z.infer<typeof TrackMeeting>;

export const Track = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  parentGroupId: Id,
  outcomeId: Id,
  createdAt: Timestamp,
  sides: z.array(Side),
  expertCount: z.number().int(),
  nextMeeting: TrackMeeting.nullable(),
});
export type Track = z.infer<typeof Track>;
export const TrackList = z.object({ tracks: z.array(Track) });
