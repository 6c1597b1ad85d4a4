import type { Group, Roster } from '@parley/protocol';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { FormAlert } from '../components/forms';
import { formatDateTime } from '../components/ui';
import { openThread, type Thread, type ThreadState } from './thread';
import './thread.css';

const PHASE_TEXT: Record<ThreadState['phase'], string> = {
  starting: 'Opening the conversation’s keys on this device…',
  'waiting-for-welcome':
    'Waiting for another member to add this device. It happens automatically when one of their devices is online.',
  ready: '',
  ended: 'This device is no longer in the conversation.',
  failed: 'The conversation cannot be used securely on this device.',
};

const REJOIN_TEXT = {
  waiting:
    'Waiting for another member to add this device. If none of their devices is online, this device joins by itself in a few seconds.',
  unavailable:
    'Nobody can add this device: every device that was in this conversation is gone, and none left a way in for new devices.',
} as const;

const STATUS_TEXT = { sending: 'Sending…', sent: 'Sent', failed: 'Not sent' } as const;

/** Who is who: display name and side of every user in the roster the caller can see. */
export function peopleOf(roster: Roster): Map<string, { name: string; side: string }> {
  const map = new Map<string, { name: string; side: string }>();
  for (const s of roster.sides)
    for (const a of s.agencies)
      for (const r of a.roles)
        for (const m of r.members) map.set(m.userId, { name: m.displayName, side: s.side.shortCode });
  return map;
}

export function useThread(context: string | null, userId: string, allowedUsers: readonly string[]) {
  const [state, setState] = useState<ThreadState | null>(null);
  const [thread, setThread] = useState<Thread | null>(null);
  const allowed = useRef(allowedUsers);
  allowed.current = allowedUsers;
  useEffect(() => {
    if (!context) return;
    const t = openThread({ context, me: { userId }, allowedUsers: () => allowed.current });
    setThread(t);
    const off = t.onState(setState);
    return () => {
      off();
      t.close();
      setState(null);
      setThread(null);
    };
  }, [context, userId]);
  return { state, thread };
}

export function ThreadView({
  title,
  state,
  thread,
  roster,
  highlight,
  mayReestablish = false,
}: {
  title: string;
  /** A chair: may start the conversation anew when nothing is left to join from. */
  mayReestablish?: boolean;
  group: Group;
  state: ThreadState | null;
  thread: Thread | null;
  roster: Roster;
  highlight?: string | null;
}) {
  const people = useMemo(() => peopleOf(roster), [roster]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!thread || !draft.trim()) return;
    setError(null);
    const text = draft;
    setDraft('');
    try {
      await thread.send(text);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  const [restarting, setRestarting] = useState(false);
  const reestablish = async () => {
    if (!thread) return;
    setError(null);
    setRestarting(true);
    try {
      await thread.reestablish();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setRestarting(false);
    }
  };
  const ready = state?.phase === 'ready';
  const rejoin = state?.phase === 'waiting-for-welcome' ? state.rejoin : null;
  const late = (state?.joinedSeq ?? 0) > 0;
  return (
    <div className="thread" data-phase={state?.phase ?? 'starting'}>
      <p className="thread__e2ee" role="note">
        <span aria-hidden="true">🔒 </span>End-to-end encrypted — the server stores only ciphertext.
      </p>
      {rejoin ? (
        <div className="thread__phase" data-rejoin={rejoin}>
          <p>{REJOIN_TEXT[rejoin]}</p>
          {rejoin === 'unavailable' && mayReestablish ? (
            <>
              <p className="muted small">
                As a chair you can start it anew. Earlier messages stay stored on the server as ciphertext only and
                nobody can read them; the other members are told when they next open it.
              </p>
              <button type="button" className="btn btn--primary" onClick={reestablish} disabled={restarting}>
                Start the conversation anew
              </button>
            </>
          ) : rejoin === 'unavailable' ? (
            <p className="muted small">A chair can start it anew; ask one of them.</p>
          ) : null}
        </div>
      ) : state && PHASE_TEXT[state.phase] ? (
        <p className="thread__phase">{PHASE_TEXT[state.phase]}</p>
      ) : null}
      <FormAlert message={state?.error ?? error} />
      <section className="thread__messages" aria-label={`${title} messages`}>
        <p className="thread__history muted small" data-testid="thread-history-note">
          {late
            ? 'This device joined later: messages sent before it was added cannot be read here (the keys of those epochs were never given to it).'
            : 'Each device reads only messages sent while it was a member: a device added later cannot read earlier ones.'}
        </p>
        {state?.reestablished ? (
          <p className="thread__reestablished" data-testid="thread-reestablished">
            {people.get(state.reestablished.byUserId)?.name ?? 'A chair'} started this conversation anew on{' '}
            <time dateTime={state.reestablished.at}>{formatDateTime(state.reestablished.at)}</time>. Messages from
            before stay stored on the server as ciphertext only; nobody can read them.
          </p>
        ) : null}
        {state && state.messages.length === 0 ? <p className="muted">No messages yet.</p> : null}
        <ol className="thread__list">
          {(state?.messages ?? []).map((m) => {
            const who = people.get(m.userId);
            if (m.notice === 'device-joined')
              return (
                <li key={m.id} className="thread__notice" data-notice={m.notice} data-seq={m.seq ?? ''}>
                  {who?.name ?? 'A former member'}’s new device joined ·{' '}
                  <time dateTime={m.at}>{formatDateTime(m.at)}</time>
                </li>
              );
            return (
              <li
                key={m.id}
                className={`thread__msg${m.mine ? ' thread__msg--mine' : ''}${highlight === m.id ? ' thread__msg--linked' : ''}`}
                data-message-id={m.id}
                data-seq={m.seq ?? ''}
              >
                <p className="thread__meta">
                  <strong className="thread__who">{who?.name ?? 'Former member'}</strong>
                  {who ? <span className="thread__side"> · {who.side}</span> : null}
                  {' · '}
                  <time dateTime={m.at}>{formatDateTime(m.at)}</time>
                  {m.mine ? (
                    <span className={`thread__status thread__status--${m.status}`}> · {STATUS_TEXT[m.status]}</span>
                  ) : null}
                  {highlight === m.id ? <span className="thread__linked"> · Linked to a re-request</span> : null}
                </p>
                <p className="thread__text">{m.text}</p>
              </li>
            );
          })}
        </ol>
      </section>
      <form className="thread__composer" onSubmit={send}>
        <label htmlFor="thread-draft" className="visually-hidden">
          Message
        </label>
        <textarea
          id="thread-draft"
          value={draft}
          maxLength={4000}
          rows={3}
          placeholder={ready ? 'Write a message' : 'You can write once this device is in the conversation'}
          onChange={(e) => setDraft(e.target.value)}
          disabled={!ready}
        />
        <button type="submit" className="btn btn--primary" disabled={!ready || !draft.trim()}>
          Send
        </button>
      </form>
      <Verify state={state} people={people} />
    </div>
  );
}

function Verify({ state, people }: { state: ThreadState | null; people: Map<string, { name: string; side: string }> }) {
  if (!state?.safetyCode) return null;
  return (
    <section className="thread__verify" aria-labelledby="thread-verify-h">
      <h3 id="thread-verify-h">Safety code</h3>
      <p className="muted small">
        Read it aloud with the other members: it is the same for everyone in epoch {state.epoch} and changes whenever a
        device joins or leaves.
      </p>
      <p className="thread__safety" data-testid="thread-safety-code">
        {state.safetyCode}
      </p>
      {state.keyWarning ? (
        <p className="thread__warning" role="alert">
          A device key is new to this browser or has changed: compare its fingerprint with its owner over another
          channel before you write anything sensitive.
        </p>
      ) : null}
      <h3>Devices in this conversation</h3>
      <ul className="thread__devices" aria-label="Device keys">
        {state.members.map((d) => (
          <li key={d.deviceId} data-device-id={d.deviceId} data-warning={d.warning ?? 'none'}>
            <span>
              {people.get(d.userId)?.name ?? 'Unknown user'}
              {d.isMe ? ' (this device)' : ''}
            </span>
            {d.warning === 'new' ? <span className="badge">New key</span> : null}
            {d.warning === 'changed' || !d.verified ? <span className="badge thread__bad">Key changed</span> : null}
            <code className="thread__fp">{d.fingerprint}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
