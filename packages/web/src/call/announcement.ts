/** What happened in the call since the last announcement, said once and briefly. */
export interface CallChanges {
  joined: string[];
  left: string[];
  /** Who has held the floor (spoken) long enough to be worth saying; null when nobody new. */
  floor: string | null;
  /** Whole sentences from elsewhere in the room (the speakers' list), said after the roster's news. */
  news?: string[];
}

function names(list: string[]): string {
  if (list.length <= 2) return list.join(' and ');
  return `${list.length} people`;
}

/**
 * One sentence for a screen reader: arrivals and departures gathered over a few seconds become "Ana and Ben joined"
 * or "4 people joined", never one announcement per person.
 */
export function announcement({ joined, left, floor, news = [] }: CallChanges): string {
  const parts: string[] = [];
  if (joined.length) parts.push(`${names(joined)} joined`);
  if (left.length) parts.push(`${names(left)} left`);
  if (floor) parts.push(`${floor} has the floor`);
  // Of many sentences gathered at once only the latest few are worth hearing.
  const said = news.slice(-3).join(' ');
  const roster = parts.length ? `${parts.join('. ')}.` : '';
  return [roster, said].filter(Boolean).join(' ');
}
