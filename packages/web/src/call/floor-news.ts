import type { FloorState, Group } from '@parley/protocol';
import { useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import type { Translate } from '../i18n/said';
import { sideSeconds, useNow } from './useFloor';

/** A sentence for the call's announcer, with an id so that it is said once. */
export interface News {
  id: string;
  text: string;
}

/**
 * What the speakers' list has to say to a screen reader: the floor given or taken back, a hand raised, the listener's
 * own place in the queue, and a side's allowance spent. Only changes after the list first loads are news.
 */
export function floorNews(
  before: FloorState | null,
  after: FloorState,
  group: Group,
  me: string | null,
  t: Translate,
): News[] {
  if (!before) return [];
  const code = (sideId: string) => group.sides.find((s) => s.id === sideId)?.shortCode ?? t('call-room.anotherSide');
  const out: News[] = [];
  const v = after.version;
  const sp = after.speaker;
  if (sp && (sp.userId !== before.speaker?.userId || sp.since !== before.speaker?.since))
    out.push({
      id: `${v}:given`,
      text:
        sp.userId === me
          ? t('call-room.newsYouHaveFloor')
          : t('call-room.newsFloorGoesTo', { name: sp.displayName, side: code(sp.sideId) }),
    });
  else if (!sp && before.speaker) out.push({ id: `${v}:taken`, text: t('call-room.newsFloorTaken') });
  const had = new Set(before.queue.map((q) => q.userId));
  const raised = after.queue.filter((q) => !had.has(q.userId) && q.userId !== me);
  if (raised.length === 1)
    out.push({ id: `${v}:raised`, text: t('call-room.newsAsks', { name: raised[0]!.displayName }) });
  else if (raised.length > 1)
    out.push({ id: `${v}:raised`, text: t('call-room.newsAsksMany', { count: raised.length }) });
  const mine = after.queue.findIndex((q) => q.userId === me);
  const minePrev = before.queue.findIndex((q) => q.userId === me);
  if (mine >= 0 && mine !== minePrev)
    out.push({
      id: `${v}:place`,
      text: mine === 0 ? t('call-room.newsYouAreNext') : t('call-room.newsYourPlace', { place: mine + 1 }),
    });
  return out;
}

/** The list's news as it changes, plus a warning the moment a side's allowance runs out (once per side and call). */
export function useFloorNews(state: FloorState | null, skew: number, group: Group, me: string | null): News[] {
  const t = useT();
  const [news, setNews] = useState<News[]>([]);
  const prev = useRef<FloorState | null>(null);
  useEffect(() => {
    if (!state || state === prev.current) return;
    const fresh = floorNews(prev.current, state, group, me, t);
    prev.current = state;
    if (fresh.length) setNews((n) => [...n, ...fresh].slice(-20));
  }, [state, group, me, t]);

  const now = useNow(!!state?.speaker, skew);
  const spent = useRef(new Set<string>());
  const overSides =
    state?.sides
      .filter((t) => t.allowanceSeconds !== null && sideSeconds(state, t.sideId, now) >= t.allowanceSeconds)
      .map((t) => t.sideId)
      .join(' ') ?? '';
  useEffect(() => {
    for (const sideId of overSides ? overSides.split(' ') : []) {
      if (spent.current.has(sideId)) continue;
      spent.current.add(sideId);
      const code = group.sides.find((s) => s.id === sideId)?.shortCode;
      const text = code ? t('call-room.newsAllowanceUsed', { side: code }) : t('call-room.newsAllowanceUsedUnnamed');
      setNews((n) => [...n, { id: `spent:${sideId}`, text }]);
    }
  }, [overSides, group, t]);
  return news;
}
