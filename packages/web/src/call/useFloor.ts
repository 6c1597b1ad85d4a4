import type { FloorState } from '@parley/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api/client';
import { realtime } from '../api/realtime';
import { floorApi } from './floor-api';

/** The speakers' list as this screen knows it, and what its buttons do. */
export interface Floor {
  state: FloorState | null;
  /** Milliseconds to add to this browser's clock to read the server's (timers agree across screens). */
  skew: number;
  error: string | null;
  run(action: (meetingId: string) => Promise<FloorState>): Promise<void>;
}

/**
 * Loads the list, and reloads it on every `floor.*` event of the meeting and after a reconnect. An answer older than
 * the state already shown (a lower version) is dropped, so a slow reply cannot move the queue backwards.
 */
export function useFloor(meetingId: string, enabled: boolean): Floor {
  const [state, setState] = useState<FloorState | null>(null);
  const [skew, setSkew] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const version = useRef(-1);

  const accept = useCallback((next: FloorState) => {
    if (next.version < version.current) return;
    version.current = next.version;
    setSkew(Date.parse(next.now) - Date.now());
    setState(next);
  }, []);

  const load = useCallback(() => {
    floorApi.get(meetingId).then(accept, (err: unknown) => setError(errorMessage(err)));
  }, [meetingId, accept]);

  useEffect(() => {
    if (!enabled) return;
    load();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const schedule = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(load, 40);
    };
    const off = realtime.subscribe(`meeting:${meetingId}`, (ev) => {
      if (ev.kind.startsWith('floor.')) schedule();
    });
    const offReconnect = realtime.onReconnect(schedule);
    return () => {
      if (timer) clearTimeout(timer);
      off();
      offReconnect();
    };
  }, [enabled, meetingId, load]);

  const run = useCallback(
    async (action: (id: string) => Promise<FloorState>) => {
      setError(null);
      try {
        accept(await action(meetingId));
      } catch (err) {
        setError(errorMessage(err));
      }
    },
    [meetingId, accept],
  );

  return { state, skew, error, run };
}

/** Whole seconds a side has spoken, the current turn included (as of `now`, on the server's clock). */
export function sideSeconds(state: FloorState, sideId: string, now: number): number {
  const base = state.sides.find((s) => s.sideId === sideId)?.spokenSeconds ?? 0;
  const sp = state.speaker;
  return sp && sp.sideId === sideId ? base + Math.max(0, Math.floor((now - Date.parse(sp.since)) / 1000)) : base;
}

/** "4:05" or "1:02:09". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** "5 minutes", "1 minute 30 seconds": for labels read aloud. */
export function spoken(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  const parts = [];
  if (m) parts.push(`${m} minute${m === 1 ? '' : 's'}`);
  if (s || !m) parts.push(`${s} second${s === 1 ? '' : 's'}`);
  return parts.join(' ');
}

/** A clock that ticks once a second while `on` (the floor's timers). */
export function useNow(on: boolean, skew: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [on]);
  return now + skew;
}
