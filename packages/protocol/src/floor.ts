import { z } from 'zod';
import { Id, Timestamp } from './common.js';

/**
 * The speakers' list of a meeting's call: one ordered queue kept by the server, the person who has the floor, and
 * the speaking time of each side against an optional allowance. Only meetings of both sides have one; a side-only
 * meeting's call has no list (nothing of it could be shown to the other side anyway).
 */

/** Someone waiting for the floor, in the order they are called. */
export const FloorQueueEntry = z.object({
  userId: Id,
  displayName: z.string(),
  sideId: Id,
  /** When they raised their hand (or a chair put their name down). */
  since: Timestamp,
  /** True when a chair put the name down rather than the person themselves. */
  addedByChair: z.boolean(),
});
export type FloorQueueEntry = z.infer<typeof FloorQueueEntry>;

export const FloorSpeaker = z.object({
  userId: Id,
  displayName: z.string(),
  sideId: Id,
  since: Timestamp,
});
export type FloorSpeaker = z.infer<typeof FloorSpeaker>;

/** A side's speaking time so far (the current turn not included: clients add it from `speaker.since`). */
export const FloorSideTime = z.object({
  sideId: Id,
  spokenSeconds: z.number().int().min(0),
  /** The time a chair allowed this side; null for none. Spending it warns, it never cuts anyone off. */
  allowanceSeconds: z.number().int().min(0).nullable(),
});
export type FloorSideTime = z.infer<typeof FloorSideTime>;

export const FloorSpeakerTime = z.object({
  userId: Id,
  displayName: z.string(),
  sideId: Id,
  spokenSeconds: z.number().int().min(0),
});
export type FloorSpeakerTime = z.infer<typeof FloorSpeakerTime>;

export const FloorState = z.object({
  meetingId: Id,
  /** Bumped by every change; a client that holds a newer state ignores an older answer. */
  version: z.number().int(),
  /** The call whose floor this is is running: only then can the floor be given. */
  callRunning: z.boolean(),
  queue: z.array(FloorQueueEntry),
  speaker: FloorSpeaker.nullable(),
  sides: z.array(FloorSideTime),
  speakers: z.array(FloorSpeakerTime),
  /** The server's clock when this state was read, so that running timers agree across screens. */
  now: Timestamp,
});
export type FloorState = z.infer<typeof FloorState>;

/** A chair puts a name down (someone who may take part in the call). */
export const FloorAddBody = z.strictObject({ userId: Id });
/** A chair gives the floor: to the named person, or (without `userId`) to the first in the queue. */
export const FloorGiveBody = z.strictObject({ userId: Id.optional() });
/** A chair sets (or, with null, clears) a side's time allowance, in whole seconds (15 s to a day). */
export const FloorAllowanceBody = z.strictObject({
  sideId: Id,
  seconds: z.number().int().min(15).max(86_400).nullable(),
});
export const FloorQueueParams = z.strictObject({ meetingId: Id, userId: Id });

/** `data` of every floor event: ids and states only (names are fetched through the REST API). */
export const FloorChange = z.object({
  version: z.number().int(),
  /** Whom the change is about (the hand raised, the speaker given the floor); null for the side allowance. */
  userId: Id.nullable(),
});
export type FloorChange = z.infer<typeof FloorChange>;

/** What the meeting's history keeps when the call ends: each side's and each speaker's total time. */
export const SpeakingTimeRecord = z.object({
  kind: z.literal('speaking_time'),
  sides: z.array(
    z.object({ sideId: Id, seconds: z.number().int().min(0), allowanceSeconds: z.number().int().nullable() }),
  ),
  speakers: z.array(z.object({ userId: Id, name: z.string(), sideId: Id, seconds: z.number().int().min(0) })),
});
export type SpeakingTimeRecord = z.infer<typeof SpeakingTimeRecord>;
