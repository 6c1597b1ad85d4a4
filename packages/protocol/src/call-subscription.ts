import type { CallParticipant } from './calls.js';

/**
 * The feeds a participant subscribes to: every feed of everyone else but interpretation channels, of which only the
 * chosen one (`listening`), so a Floor listener's SFU subscription holds no channel at all (docs/call-keys.md §13).
 * Sorted, so that the same set always gives the same key. The server uses it to subscribe a participant as it admits
 * them (`listening` none), the browser for every later change (docs/call-keys.md §11).
 */
export function subscriptionFeeds(
  participants: CallParticipant[],
  me: string | null,
  listening: string | null,
): { feedId: string }[] {
  return participants
    .filter((p) => p.participantId !== me)
    .flatMap((p) =>
      p.feeds.filter((f) => f.stream !== 'interp' || p.participantId === listening).map((f) => ({ feedId: f.feedId })),
    )
    .sort((a, b) => a.feedId.localeCompare(b.feedId));
}

/** The key a subscribed feed set (its sorted feed ids) is compared by: a change of speaking flags changes no key. */
export const subscriptionKey = (feedIds: readonly string[]): string => feedIds.join(',');
