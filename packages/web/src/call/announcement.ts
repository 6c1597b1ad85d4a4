import type { Translate } from '../i18n/said';

/** What happened in the call since the last announcement, said once and briefly. */
export interface CallChanges {
  joined: string[];
  left: string[];
  /** Who has held the floor (spoken) long enough to be worth saying; null when nobody new. */
  floor: string | null;
  /** Whole sentences from elsewhere in the room (the speakers' list), said after the roster's news. */
  news?: string[];
}

/** "Ana joined." / "Ana and Ben joined." / "4 people joined." */
function gathered(t: Translate, list: string[], verb: 'joined' | 'left'): string {
  if (list.length > 2)
    return t(verb === 'joined' ? 'call-room.announceJoinedMany' : 'call-room.announceLeftMany', { count: list.length });
  const names = list.length === 2 ? t('call-room.twoNames', { a: list[0], b: list[1] }) : list[0];
  return t(verb === 'joined' ? 'call-room.announceJoined' : 'call-room.announceLeft', { names });
}

/**
 * One sentence for a screen reader: arrivals and departures gathered over a few seconds become "Ana and Ben joined"
 * or "4 people joined", never one announcement per person.
 */
export function announcement({ joined, left, floor, news = [] }: CallChanges, t: Translate): string {
  const parts: string[] = [];
  if (joined.length) parts.push(gathered(t, joined, 'joined'));
  if (left.length) parts.push(gathered(t, left, 'left'));
  if (floor) parts.push(t('call-room.announceFloor', { name: floor }));
  // Of many sentences gathered at once only the latest few are worth hearing.
  return [...parts, ...news.slice(-3)].join(' ');
}
