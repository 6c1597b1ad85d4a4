import type { Group } from '@parley/protocol';
import { type CSSProperties, type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { ROLE_LABELS } from '../components/ui';
import { locale } from '../i18n/intl';
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
  const mine = group.myMembership;
  const mayAdmit = mine?.role === 'chair' || mine?.role === 'secretariat';
  const mayModerate = mine?.role === 'chair';
  const side = (id: string) => group.sides.find((s) => s.id === id);
  return (
    <>
      {mayAdmit ? (
        <section aria-labelledby="call-lobby-h" className="call-panel__section">
          <h3 id="call-lobby-h">Lobby {snap.lobby.length ? `(${snap.lobby.length})` : ''}</h3>
          {snap.lobby.length === 0 ? (
            <p className="call-panel__hint">Nobody from your side is waiting.</p>
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
                      aria-label={`Admit ${l.displayName}`}
                      onClick={() => session.admit(l.participantId)}
                    >
                      Admit
                    </button>
                    <button
                      type="button"
                      className="btn btn--secondary btn--small"
                      aria-label={`Deny ${l.displayName}`}
                      onClick={() => session.deny(l.participantId)}
                    >
                      Deny
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
      <section aria-labelledby="call-people-h" className="call-panel__section">
        <h3 id="call-people-h">In the call ({snap.participants.length})</h3>
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
                    {p.displayName}
                    {p.participantId === snap.participantId ? ' (you)' : ''}
                  </strong>
                  <span>{[p.title || ROLE_LABELS[p.role], p.agencyName].filter(Boolean).join(' · ')}</span>
                </span>
                <span className="call-list__badges">
                  {floorBadge?.(p)}
                  {!p.audio ? <MicIcon off /> : null}
                  {!p.video ? <CameraIcon off /> : null}
                  <span className="visually-hidden">
                    {!p.audio ? 'Microphone off. ' : ''}
                    {!p.video ? 'Camera off.' : ''}
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
  const { e2ee } = snap;
  const [checked, setChecked] = useState<CheckedKeys>(loadCheckedKeys);
  const needsCheck = (d: (typeof e2ee.members)[number]) => !d.isMe && d.trust !== 'known' && !isKeyChecked(checked, d);
  const flagged = e2ee.members.filter(needsCheck);
  return (
    <>
      <section className="call-panel__section" aria-labelledby="call-safety-h">
        <h3 id="call-safety-h">Safety code</h3>
        <p className="call-safety" data-testid="safety-code">
          {e2ee.safetyCode ?? 'Not yet available'}
        </p>
        <p className="call-panel__hint">
          Read it aloud: everyone in the call must see the same digits. It changes whenever someone joins or leaves.
        </p>
      </section>
      {e2ee.error ? (
        <div className="call-warnbox" role="alert">
          End-to-end encryption has a problem: {e2ee.error}
        </div>
      ) : null}
      {flagged.length > 0 ? (
        <div className="call-warnbox" role="alert">
          {flagged.length === 1 ? 'One device key is' : `${flagged.length} device keys are`} new or changed. Compare the
          fingerprint with its owner over another channel before you discuss anything sensitive, then mark it as
          checked.
        </div>
      ) : null}
      <section className="call-panel__section" aria-labelledby="call-devices-h">
        <h3 id="call-devices-h">Device keys</h3>
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
                      {d.trust === 'new' ? <span className="badge badge--accent">New device</span> : null}
                      {d.trust === 'changed' ? <span className="badge call-badge-danger">Key changed</span> : null}
                      <button
                        type="button"
                        className="btn btn--secondary btn--small"
                        aria-label={`Mark as checked: ${d.displayName}`}
                        onClick={() => setChecked(markKeyChecked(d))}
                      >
                        Mark as checked
                      </button>
                    </>
                  ) : (
                    <span className="badge badge--ok">Checked by you</span>
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
      setError(err instanceof Error ? err.message : 'The message was not sent.');
    }
  };
  return (
    <div className="call-chat">
      <p className="call-panel__hint">
        Messages sent before you joined cannot be read: they were encrypted for the people present then.
      </p>
      <ol className="call-chat__list" ref={list} aria-live="polite" aria-label="Messages">
        {snap.chat.map((m) => (
          <li key={m.seq} className={`call-chat__msg${m.mine ? ' call-chat__msg--mine' : ''}`}>
            <span className="call-chat__from">
              {m.mine ? 'You' : m.displayName}{' '}
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
          Message to everyone in the call
        </label>
        <input
          id={id}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="Message everyone…"
          maxLength={4000}
        />
        <button type="submit" className="btn btn--primary btn--small" disabled={!text.trim()}>
          Send
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
