import type { Group, Roster } from '@parley/protocol';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { FormAlert } from '../components/forms';
import { formatDateTime } from '../components/ui';
import type { MessageId } from '../i18n/catalogue';
import { useT } from '../i18n/I18nProvider';
import { SaidError, sayError } from '../i18n/said';
import { openThread, type Thread, type ThreadState } from './thread';
import './thread.css';
import { LineIcon } from '../components/LineIcon';

const PHASE_TEXT = {
  starting: 'backchannel.phaseStarting',
  'waiting-for-welcome': 'backchannel.phaseWaiting',
  ready: null,
  ended: 'backchannel.phaseEnded',
  failed: 'backchannel.phaseFailed',
} as const satisfies Record<ThreadState['phase'], MessageId | null>;

const REJOIN_TEXT = {
  waiting: 'backchannel.rejoinWaiting',
  unavailable: 'backchannel.rejoinUnavailable',
} as const satisfies Record<string, MessageId>;

const STATUS_TEXT = {
  sending: 'backchannel.statusSending',
  sent: 'backchannel.statusSent',
  failed: 'backchannel.statusFailed',
} as const satisfies Record<string, MessageId>;

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
  const t = useT();
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
      setError(sayError(t, err, 'backchannel.notSent'));
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
      setError(sayError(t, err, 'backchannel.restartFailed'));
    } finally {
      setRestarting(false);
    }
  };
  const ready = state?.phase === 'ready';
  const rejoin = state?.phase === 'waiting-for-welcome' ? state.rejoin : null;
  const late = (state?.joinedSeq ?? 0) > 0;
  const phaseText = state ? PHASE_TEXT[state.phase] : null;
  const stateError = state?.error instanceof SaidError ? t(state.error.id, state.error.values) : state?.error;
  return (
    <div className="thread" data-phase={state?.phase ?? 'starting'}>
      <p className="thread__e2ee" role="note">
        <LineIcon className="thread__lock" d="M5 9h10v8H5zM7 9V6.5a3 3 0 016 0V9" />
        {t('backchannel.e2ee')}
      </p>
      {rejoin ? (
        <div className="thread__phase" data-rejoin={rejoin}>
          <p>{t(REJOIN_TEXT[rejoin])}</p>
          {rejoin === 'unavailable' && mayReestablish ? (
            <>
              <p className="muted small">{t('backchannel.restartHint')}</p>
              <button type="button" className="btn btn--primary" onClick={reestablish} disabled={restarting}>
                {t('backchannel.restart')}
              </button>
            </>
          ) : rejoin === 'unavailable' ? (
            <p className="muted small">{t('backchannel.askChair')}</p>
          ) : null}
        </div>
      ) : phaseText ? (
        <p className="thread__phase">{t(phaseText)}</p>
      ) : null}
      <FormAlert message={stateError ?? error} />
      <section className="thread__messages" aria-label={t('backchannel.messagesOf', { title })}>
        <p className="thread__history muted small" data-testid="thread-history-note">
          {late ? t('backchannel.historyLate') : t('backchannel.historyNote')}
        </p>
        {state?.reestablished ? (
          <p className="thread__reestablished" data-testid="thread-reestablished">
            {t('backchannel.restarted', {
              name: people.get(state.reestablished.byUserId)?.name ?? t('backchannel.aChair'),
              at: formatDateTime(state.reestablished.at),
            })}
          </p>
        ) : null}
        {state && state.messages.length === 0 ? <p className="muted">{t('backchannel.noMessages')}</p> : null}
        <ol className="thread__list">
          {(state?.messages ?? []).map((m) => {
            const who = people.get(m.userId);
            if (m.notice === 'device-joined')
              return (
                <li key={m.id} className="thread__notice" data-notice={m.notice} data-seq={m.seq ?? ''}>
                  {t('backchannel.deviceJoined', { name: who?.name ?? t('backchannel.formerMember') })} ·{' '}
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
                  <strong className="thread__who">{who?.name ?? t('backchannel.formerMember')}</strong>
                  {who ? <span className="thread__side"> · {who.side}</span> : null}
                  {' · '}
                  <time dateTime={m.at}>{formatDateTime(m.at)}</time>
                  {m.mine ? (
                    <span className={`thread__status thread__status--${m.status}`}> · {t(STATUS_TEXT[m.status])}</span>
                  ) : null}
                  {highlight === m.id ? (
                    <span className="thread__linked"> · {t('backchannel.linkedToReRequest')}</span>
                  ) : null}
                </p>
                <p className="thread__text">{m.text}</p>
              </li>
            );
          })}
        </ol>
      </section>
      <form className="thread__composer" onSubmit={send}>
        <label htmlFor="thread-draft" className="visually-hidden">
          {t('backchannel.message')}
        </label>
        <textarea
          id="thread-draft"
          value={draft}
          maxLength={4000}
          rows={3}
          placeholder={ready ? t('backchannel.writePlaceholder') : t('backchannel.writeLater')}
          onChange={(e) => setDraft(e.target.value)}
          disabled={!ready}
        />
        <button type="submit" className="btn btn--primary" disabled={!ready || !draft.trim()}>
          {t('backchannel.send')}
        </button>
      </form>
      <Verify state={state} people={people} />
    </div>
  );
}

function Verify({ state, people }: { state: ThreadState | null; people: Map<string, { name: string; side: string }> }) {
  const t = useT();
  if (!state?.safetyCode) return null;
  return (
    <section className="thread__verify" aria-labelledby="thread-verify-h">
      <h3 id="thread-verify-h">{t('backchannel.safetyCode')}</h3>
      <p className="muted small">{t('backchannel.safetyHint', { epoch: state.epoch })}</p>
      <p className="thread__safety" data-testid="thread-safety-code">
        {state.safetyCode}
      </p>
      {state.keyWarning ? (
        <p className="thread__warning" role="alert">
          {t('backchannel.keyWarning')}
        </p>
      ) : null}
      <h3>{t('backchannel.devices')}</h3>
      <ul className="thread__devices" aria-label={t('backchannel.deviceKeys')}>
        {state.members.map((d) => (
          <li key={d.deviceId} data-device-id={d.deviceId} data-warning={d.warning ?? 'none'}>
            <span>
              {people.get(d.userId)?.name ?? t('backchannel.unknownUser')}
              {d.isMe ? ` ${t('backchannel.thisDevice')}` : ''}
            </span>
            {d.warning === 'new' ? <span className="badge">{t('backchannel.newKey')}</span> : null}
            {d.warning === 'changed' || !d.verified ? (
              <span className="badge thread__bad">{t('backchannel.keyChanged')}</span>
            ) : null}
            <code className="thread__fp">{d.fingerprint}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
