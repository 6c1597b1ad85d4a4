import { useCallback, useEffect, useRef, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { announcement, type CallChanges } from './announcement';
import type { News } from './floor-news';
import type { CallSnapshot } from './snapshot';

/** Arrivals and departures are gathered this long before they are said. */
const GATHER_MS = 2_000;
/** Someone has the floor once they have spoken this long without another taking over (speaking flags flicker). */
const FLOOR_MS = 3_000;

/**
 * The call's one polite live region: who joined or left, and who has the floor, coalesced, so that a screen reader
 * hears a sentence every few seconds at most and not each flicker of the roster or of the speaking flags.
 */
export function CallAnnouncer({ snap, news = [] }: { snap: CallSnapshot; news?: News[] }) {
  const [message, setMessage] = useState('');
  const known = useRef<Map<string, string> | null>(null);
  const pending = useRef<CallChanges>({ joined: [], left: [], floor: null, news: [] });
  const said = useRef(new Set<string>());
  const timer = useRef<number | undefined>(undefined);
  const announcedFloor = useRef<string | null>(null);
  // Read when the sentence is said, so a timer set before a language change still speaks the new language.
  const translate = useT();
  const say = useRef(translate);
  say.current = translate;

  const schedule = useCallback(() => {
    if (timer.current !== undefined) return;
    timer.current = window.setTimeout(() => {
      timer.current = undefined;
      setMessage(announcement(pending.current, say.current));
      pending.current = { joined: [], left: [], floor: null, news: [] };
    }, GATHER_MS);
  }, []);
  useEffect(() => () => window.clearTimeout(timer.current), []);

  const others = snap.participants.filter((p) => p.participantId !== snap.participantId);
  const roster = others.map((p) => `${p.participantId}=${p.displayName}`).join('\n');
  useEffect(() => {
    const now = new Map(roster ? roster.split('\n').map((line) => line.split('=', 2) as [string, string]) : []);
    const before = known.current;
    known.current = now;
    // The people already here when one arrives are in the panel; only changes after that are news.
    if (!before) return;
    for (const [id, name] of now) if (!before.has(id)) pending.current.joined.push(name);
    for (const [id, name] of before) if (!now.has(id)) pending.current.left.push(name);
    if (pending.current.joined.length || pending.current.left.length) schedule();
  }, [roster, schedule]);

  const speaker = others.find((p) => p.speaking)?.displayName ?? null;
  useEffect(() => {
    if (!speaker || speaker === announcedFloor.current) return;
    const t = window.setTimeout(() => {
      announcedFloor.current = speaker;
      pending.current.floor = speaker;
      schedule();
    }, FLOOR_MS);
    return () => window.clearTimeout(t);
  }, [speaker, schedule]);

  useEffect(() => {
    const fresh = news.filter((n) => !said.current.has(n.id));
    if (!fresh.length) return;
    for (const n of fresh) said.current.add(n.id);
    pending.current.news = [...(pending.current.news ?? []), ...fresh.map((n) => n.text)];
    schedule();
  }, [news, schedule]);

  return (
    <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </p>
  );
}
