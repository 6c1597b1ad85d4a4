import type { InterpretationState, InterpreterAssignment } from '@parley/protocol';
import { createContext, useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage, http } from '../api/client';
import { realtime } from '../api/realtime';
import { locale } from '../i18n/intl';

const base = (meetingId: string) => `/api/meetings/${encodeURIComponent(meetingId)}/interpretation`;

/** The interpreters of a meeting (REST); changes arrive as `interpretation.*` events on the meeting's topic. */
export const interpretationApi = {
  get: (meetingId: string) => http.get<InterpretationState>(base(meetingId)),
  assign: (meetingId: string, body: { userId: string; from: string; to: string }) =>
    http.post<InterpretationState>(base(meetingId), body),
  remove: (meetingId: string, userId: string) =>
    http.delete<InterpretationState>(`${base(meetingId)}/${encodeURIComponent(userId)}`),
};

export interface Interpretation {
  state: InterpretationState | null;
  error: string | null;
  run(action: (meetingId: string) => Promise<InterpretationState>): Promise<boolean>;
}

/** Loads the assignments and reloads them on every `interpretation.*` event and after a reconnect (newest wins). */
export function useInterpretation(meetingId: string, enabled: boolean): Interpretation {
  const [state, setState] = useState<InterpretationState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const version = useRef(-1);
  const accept = useCallback((next: InterpretationState) => {
    if (next.version < version.current) return;
    version.current = next.version;
    setState(next);
  }, []);
  const load = useCallback(() => {
    interpretationApi.get(meetingId).then(accept, (err: unknown) => setError(errorMessage(err)));
  }, [meetingId, accept]);
  useEffect(() => {
    if (!enabled) return;
    load();
    const off = realtime.subscribe(`meeting:${meetingId}`, (ev) => {
      if (ev.kind.startsWith('interpretation.')) load();
    });
    const offReconnect = realtime.onReconnect(load);
    return () => {
      off();
      offReconnect();
    };
  }, [enabled, meetingId, load]);
  const run = useCallback(
    async (action: (id: string) => Promise<InterpretationState>) => {
      setError(null);
      try {
        accept(await action(meetingId));
        return true;
      } catch (err) {
        setError(errorMessage(err));
        return false;
      }
    },
    [meetingId, accept],
  );
  return { state, error, run };
}

let names: { locale: string; of: Intl.DisplayNames } | null = null;
/**
 * "French", "English (United Kingdom)" in the interface's language ("français", "צרפתית"); the tag itself when the
 * browser knows no name for it.
 */
export function languageName(tag: string): string {
  const current = locale();
  if (names?.locale !== current)
    names = { locale: current, of: new Intl.DisplayNames([current], { type: 'language' }) };
  try {
    return names.of.of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** A channel on offer: an assignment, and the interpreter's participant in the call if their channel is on air. */
export interface Channel {
  assignment: InterpreterAssignment;
  participantId: string | null;
}

/**
 * How loud the floor plays under a chosen interpretation channel (the element volume of every tile): low enough for
 * the interpreter to carry the meaning, loud enough to hear who speaks and the tone.
 */
export const DUCKED_FLOOR_VOLUME = 0.2;
export const FloorVolume = createContext(1);
