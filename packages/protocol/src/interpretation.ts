import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { LanguageTag } from './language.js';

/**
 * Simultaneous interpretation in a meeting's call: who interprets from which language into which. The interpreter
 * publishes a third stream (`interp`, audio only) carrying their target language; each listener subscribes to it
 * only when they pick that language. The server keeps the assignments; it never hears a channel (every frame is
 * SFrame-encrypted under the call's MLS group like any other, docs/call-keys.md §13).
 */

export const InterpreterAssignment = z.object({
  userId: Id,
  displayName: z.string(),
  /** The interpreter's own side. */
  sideId: Id,
  /** The language the interpreter hears (BCP 47, canonical form). */
  from: z.string(),
  /** The language of the channel they publish: one channel per language in a meeting. */
  to: z.string(),
  assignedAt: Timestamp,
});
export type InterpreterAssignment = z.infer<typeof InterpreterAssignment>;

export const InterpretationState = z.object({
  meetingId: Id,
  /** Bumped by every change; a client that holds a newer state ignores an older answer. */
  version: z.number().int(),
  interpreters: z.array(InterpreterAssignment),
});
export type InterpretationState = z.infer<typeof InterpretationState>;

/** A chair names a participant of the call as the interpreter of a language pair. */
export const InterpreterAssignBody = z
  .strictObject({ userId: Id, from: LanguageTag, to: LanguageTag })
  .refine((b) => b.from.toLowerCase() !== b.to.toLowerCase(), {
    path: ['to'],
    message: 'must differ from the language interpreted from',
  });
export type InterpreterAssignBody = z.infer<typeof InterpreterAssignBody>;
export const InterpreterParams = z.strictObject({ meetingId: Id, userId: Id });

/** `data` of every interpretation event: ids only (languages and names are fetched through the REST API). */
export const InterpretationChange = z.object({ version: z.number().int(), userId: Id });
export type InterpretationChange = z.infer<typeof InterpretationChange>;

/**
 * What the meeting's history keeps of an assignment and of its end: who interprets, of which side, between which
 * languages (a record of the meeting, like its agenda; the channel's content never reaches the server).
 */
export const InterpreterRecord = z.object({
  kind: z.enum(['interpreter_assigned', 'interpreter_unassigned']),
  userId: Id,
  name: z.string(),
  sideId: Id,
  from: z.string(),
  to: z.string(),
});
export type InterpreterRecord = z.infer<typeof InterpreterRecord>;
