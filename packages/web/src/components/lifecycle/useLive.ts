import type { Topic } from '@parley/protocol';
import { useEffect, useRef } from 'react';
import { realtime } from '../../api/realtime';

/**
 * Refetches when anything is announced on the given topics (and after a reconnect, when events may have been
 * missed). Events only say what changed; the data itself always comes through the REST API.
 */
export function useLive(topics: (Topic | null)[], refetch: () => void): void {
  const ref = useRef(refetch);
  ref.current = refetch;
  const key = topics.filter(Boolean).join(' ');
  useEffect(() => {
    if (!key) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    // One burst of events (an edit voiding approvals, say) becomes one refetch.
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => ref.current(), 60);
    };
    const offs = key.split(' ').map((t) => realtime.subscribe(t as Topic, schedule));
    const offReconnect = realtime.onReconnect(schedule);
    return () => {
      if (timer) clearTimeout(timer);
      for (const off of offs) off();
      offReconnect();
    };
  }, [key]);
}
