import { MlsContext } from './keys.js';

/** What an MLS group keys, by the ids its context string names (see `MlsContext`). */
export type MlsContextParts =
  | { kind: 'group'; groupId: string }
  | { kind: 'call'; meetingId: string }
  /** A side's caucus during a meeting's call: its own MLS group, never shared with the other side. */
  | { kind: 'caucus-call'; meetingId: string; sideId: string }
  | { kind: 'caucus'; groupId: string; sideId: string }
  | { kind: 'backchannel'; groupId: string; sideIds: readonly [string, string] };

/**
 * The context string of an MLS group, the one way server, web and CLI write it. A back channel's two sides are
 * sorted, so the conversation between two sides has one group whichever side opens it.
 */
export function mlsContext(parts: MlsContextParts): MlsContext {
  switch (parts.kind) {
    case 'group':
      return `group:${parts.groupId}`;
    case 'call':
      return `call:${parts.meetingId}`;
    case 'caucus-call':
      return `caucus-call:${parts.meetingId}:${parts.sideId}`;
    case 'caucus':
      return `caucus:${parts.groupId}:${parts.sideId}`;
    case 'backchannel': {
      const [a, b] = sorted(parts.sideIds);
      return `backchannel:${parts.groupId}:${a}:${b}`;
    }
  }
}

/**
 * Reads a context string back into its parts (a back channel's sides sorted); undefined for anything that is not
 * a context of `MlsContext`'s forms (a retired group's, a back channel between a side and itself).
 */
export function parseMlsContext(context: string): MlsContextParts | undefined {
  if (!MlsContext.safeParse(context).success) return undefined;
  const [kind, first = '', second = '', third = ''] = context.split(':');
  switch (kind) {
    case 'group':
      return { kind, groupId: first };
    case 'call':
      return { kind, meetingId: first };
    case 'caucus-call':
      return { kind, meetingId: first, sideId: second };
    case 'caucus':
      return { kind, groupId: first, sideId: second };
    case 'backchannel':
      return second === third ? undefined : { kind, groupId: first, sideIds: sorted([second, third]) };
    default:
      return undefined;
  }
}

const sorted = ([a, b]: readonly [string, string]): [string, string] => (a <= b ? [a, b] : [b, a]);
