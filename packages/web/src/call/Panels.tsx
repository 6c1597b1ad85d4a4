import type { Group } from '@parley/protocol';
import { type CSSProperties, type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ROLE_LABELS } from '../components/ui';
import { useT } from '../i18n/I18nProvider';
import { locale } from '../i18n/intl';
import { sayError } from '../i18n/said';
import { type CheckedKeys, isKeyChecked, loadCheckedKeys, markKeyChecked } from './checked-keys';
import { CameraIcon, MicIcon } from './icons';
import { ParticipantMenu } from './ParticipantMenu';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';

/** Who is here, and (for chairs and secretariat) who waits in the lobby for their own side to admit them. */
export function PeoplePanel({
  group,
  session,
  snap,
  floorBadge,
}: {
  group: Group;
  session: CallSession;
  snap: CallSnapshot;
  /** Who has the floor, or their place on the speakers' list. */
  floorBadge?: (p: CallSnapshot['participants'][number]) => React.ReactNode;
}) {
  const t = useT();
  const mine = group.myMembership;
  const mayAdmit = mine?.role === 'chair' || mine?.role === 'secretariat';
  const mayModerate = mine?.role === 'chair';
  const side = (id: string) => group.sides.find((s) => s.id === id);
  return (
    <>
      {mayAdmit ? (
        <section aria-labelledby="call-lobby-h" className="call-panel__section">
          <h3 id="call-lobby-h">
            {snap.lobby.length ? t('call-room.lobbyCount', { count: snap.lobby.length }) : t('call-room.lobby')}
          </h3>
          {snap.lobby.length === 0 ? (
            <p className="call-panel__hint">{t('call-room.lobbyEmpty')}</p>
          ) : (
            <ul className="call-list" aria-live="polite">
              {snap.lobby.map((l) => (
                <li key={l.participantId} className="call-list__row">
                  <span className="call-list__who">
                    <strong>{l.displayName}</strong>
                    <span>{[l.title, l.agencyName].filter(Boolean).join(' · ')}</span>
                  </span>
                  <span className="call-list__actions">
                    <button
                      type="button"
                      className="btn btn--primary btn--small"
                      aria-label={t('call-room.admitName', { name: l.displayName })}
                      onClick={() => session.admit(l.participantId)}
                    >
                      {t('call-room.admit')}
                    </button>
                    <button
                      type="button"
                      className="btn btn--secondary btn--small"
                      aria-label={t('call-room.denyName', { name: l.displayName })}
                      onClick={() => session.deny(l.participantId)}
                    >
                      {t('call-room.deny')}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      <section aria-labelledby="call-people-h" className="call-panel__section">
        <h3 id="call-people-h">{t('call-room.inTheCall', { count: snap.participants.length })}</h3>
        <ul className="call-list">
          {snap.participants.map((p) => {
            const s = side(p.sideId);
            return (
              <li key={p.participantId} className="call-list__row">
                {s ? (
                  <span className="side-code" style={{ '--side': s.colour } as CSSProperties} title={s.name}>
                    {s.shortCode}
                  </span>
                ) : null}
                <span className="call-list__who">
                  <strong>
                    {p.participantId === snap.participantId
                      ? t('call-room.nameYou', { name: p.displayName })
                      : p.displayName}
                  </strong>
                  <span>{[p.title || ROLE_LABELS[p.role], p.agencyName].filter(Boolean).join(' · ')}</span>
                </span>
                <span className="call-list__badges">
                  {floorBadge?.(p)}
                  {!p.audio ? <MicIcon off /> : null}
                  {!p.video ? <CameraIcon off /> : null}
                  <span className="visually-hidden">
                    {[!p.audio ? t('call-room.micOffSentence') : '', !p.video ? t('call-room.cameraOffSentence') : '']
                      .filter(Boolean)
                      .join(' ')}
                  </span>
                </span>
                {mayModerate && p.participantId !== snap.participantId ? (
                  <ParticipantMenu participant={p} ownSide={p.sideId === mine?.sideId} session={session} />
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>
    </>
  );
}

/** The safety code to read aloud, and every device's key fingerprint, with new or changed keys called out. */
export function VerifyPanel({ snap }: { snap: CallSnapshot }) {
  const t = useT();
  const { e2ee } = snap;
  const [checked, setChecked] = useState<CheckedKeys>(loadCheckedKeys);
  const needsCheck = (d: (typeof e2ee.members)[number]) => !d.isMe && d.trust !== 'known' && !isKeyChecked(checked, d);
  const flagged = e2ee.members.filter(needsCheck);
  return (
    <>
      <section className="call-panel__section" aria-labelledby="call-safety-h">
        <h3 id="call-safety-h">{t('call-room.safetyCode')}</h3>
        <p className="call-safety" data-testid="safety-code">
          {e2ee.safetyCode ?? t('call-room.notYetAvailable')}
        </p>
        <p className="call-panel__hint">{t('call-room.safetyHint')}</p>
      </section>
      {e2ee.error ? (
        <div className="call-warnbox" role="alert">
          {t('call-room.e2eeProblem', { error: e2ee.error })}
        </div>
      ) : null}
      {flagged.length > 0 ? (
        <div className="call-warnbox" role="alert">
          {t('call-room.keysFlagged', { count: flagged.length })}
        </div>
      ) : null}
      <section className="call-panel__section" aria-labelledby="call-devices-h">
        <h3 id="call-devices-h">{t('call-room.deviceKeys')}</h3>
        <ul className="call-list">
          {e2ee.members.map((d) => (
            <li
              key={d.deviceId}
              className={`call-list__row call-list__row--${needsCheck(d) ? d.trust : 'known'}`}
              data-device-id={d.deviceId}
            >
              <span className="call-list__who">
                <strong>{d.displayName}</strong>
                <code className="call-fingerprint">{d.fingerprint}</code>
              </span>
              {!d.isMe && d.trust !== 'known' ? (
                <span className="call-list__trust">
                  {needsCheck(d) ? (
                    <>
                      {d.trust === 'new' ? (
                        <span className="badge badge--accent">{t('call-room.newDevice')}</span>
                      ) : null}
                      {d.trust === 'changed' ? (
                        <span className="badge call-badge-danger">{t('call-room.keyChanged')}</span>
                      ) : null}
                      <button
                        type="button"
                        className="btn btn--secondary btn--small"
                        aria-label={t('call-room.markCheckedName', { name: d.displayName })}
                        onClick={() => setChecked(markKeyChecked(d))}
                      >
                        {t('call-room.markChecked')}
                      </button>
                    </>
                  ) : (
                    <span className="badge badge--ok">{t('call-room.checkedByYou')}</span>
                  )}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

/** In-call chat: MLS application messages, readable only by members of the epoch they were sent in. */
export function ChatPanel({ session, snap }: { session: CallSession; snap: CallSnapshot }) {
  const t = useT();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const list = useRef<HTMLOListElement>(null);
  const count = snap.chat.length;
  useEffect(() => {
    // Scroll the list itself: scrollIntoView would also scroll every ancestor, the call room included, and slide
    // the input under the control bar.
    const el = list.current;
    if (count && el) el.scrollTop = el.scrollHeight;
  }, [count]);
  const send = async (e: FormEvent) => {
    e.preventDefault();
    const body = text.trim();
    if (!body) return;
    setError(null);
    try {
      await session.sendChat(body);
      setText('');
    } catch (err) {
      setError(sayError(t, err, 'call-room.chatNotSent'));
    }
  };
  return (
    <div className="call-chat">
      <p className="call-panel__hint">{t('call-room.chatHint')}</p>
      <ol className="call-chat__list" ref={list} aria-live="polite" aria-label={t('call-room.messages')}>
        {snap.chat.map((m) => (
          <li key={m.seq} className={`call-chat__msg${m.mine ? ' call-chat__msg--mine' : ''}`}>
            <span className="call-chat__from">
              {m.mine ? t('call-room.you') : m.displayName}{' '}
              <time dateTime={m.at}>
                {new Date(m.at).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' })}
              </time>
            </span>
            <span className="call-chat__text">{m.text}</span>
          </li>
        ))}
      </ol>
      <form className="call-chat__form" onSubmit={send}>
        <label htmlFor={id} className="visually-hidden">
          {t('call-room.chatLabel')}
        </label>
        <input
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder={t('call-room.chatPlaceholder')}
          maxLength={4000}
        />
        <button type="submit" className="btn btn--primary btn--small" disabled={!text.trim()}>
          {t('call-room.send')}
        </button>
      </form>
      {error ? (
        <p className="field__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
