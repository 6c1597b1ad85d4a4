import { useEffect, useState, useSyncExternalStore } from 'react';
import type { CallSession } from './session';
import { type CallSnapshot, INITIAL } from './snapshot';

const noop = () => () => {};
const initial = () => INITIAL;

export function useCallSnapshot(session: CallSession | null): CallSnapshot {
  return useSyncExternalStore(session?.subscribe ?? noop, session?.snapshot ?? initial);
}

/** Seconds since `since`, ticking once a second (the call's running time in the header). */
export function useElapsed(since: string | null): string {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  if (!since) return '';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  const hh = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${mm}:${ss}` : `${mm}:${ss}`;
}
