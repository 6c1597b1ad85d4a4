import type { CallParticipant, Group } from '@parley/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { type Channel, type Interpretation, interpretationApi, languageName } from './interpretation-api';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';

/**
 * Simultaneous interpretation: every listener picks the floor or a language (the chosen channel plays over the
 * lowered floor); an interpreter goes on air into their language, hearing the floor or another channel (relay);
 * chairs assign interpreters to language pairs.
 */
export function InterpretationPanel({
  group,
  session,
  snap,
  interp,
  channels,
  myUserId,
  mayAssign,
}: {
  group: Group;
  session: CallSession;
  snap: CallSnapshot;
  interp: Interpretation;
  channels: Channel[];
  myUserId: string | null;
  mayAssign: boolean;
}) {
  const t = useT();
  const name = useId();
  const mine = channels.find((c) => c.assignment.userId === myUserId)?.assignment;
  const others = channels.filter((c) => c.assignment.userId !== myUserId);
  const sideCode = (id: string) => group.sides.find((s) => s.id === id)?.shortCode ?? '';
  return (
    <div className="interp">
      {interp.error ? (
        <p className="field__error" role="alert">
          {interp.error}
        </p>
      ) : null}
      <fieldset className="call-panel__section interp__listen">
        <legend>{mine ? t('negotiation.interpretFrom') : t('negotiation.listenTo')}</legend>
        <label className="interp__choice">
          <input
            type="radio"
            name={name}
            checked={snap.listening === null}
            onChange={() => session.setListening(null)}
          />
          <span className="interp__lang">{t('negotiation.floor')}</span>
          <span className="interp__who">{t('negotiation.floorHint')}</span>
        </label>
        {others.map(({ assignment: a, participantId }) => (
          <label key={a.userId} className="interp__choice" data-language={a.to}>
            <input
              type="radio"
              name={name}
              disabled={!participantId}
              checked={participantId !== null && snap.listening === participantId}
              onChange={() => participantId && session.setListening(participantId)}
            />
            <span className="interp__lang">
              {mine ? t('negotiation.relay', { language: languageName(a.to) }) : languageName(a.to)}
              {participantId ? <span className="interp__live">{t('negotiation.onAir')}</span> : null}
            </span>
            <span className="interp__who">
              {t('negotiation.interpreterFrom', { name: a.displayName, language: languageName(a.from) })}
              {participantId ? '' : ` · ${t('negotiation.notOnAir')}`}
            </span>
          </label>
        ))}
        {others.length === 0 ? <p className="call-panel__hint">{t('negotiation.noChannel')}</p> : null}
        {snap.listening ? <p className="call-panel__hint">{t('negotiation.duckedHint')}</p> : null}
      </fieldset>
      {mine ? (
        <section className="call-panel__section interp__booth" aria-labelledby="interp-booth-h">
          <h3 id="interp-booth-h">{t('negotiation.booth')}</h3>
          <p className="interp__pair">
            {languageName(mine.from)}{' '}
            <span aria-hidden="true" className="flip-rtl">
              →
            </span>
            <span className="visually-hidden"> {t('negotiation.into')} </span> {languageName(mine.to)}
          </p>
          <button
            type="button"
            className={`btn ${snap.interpreting ? 'btn--danger' : 'btn--primary'}`}
            aria-pressed={snap.interpreting}
            disabled={!snap.local?.getAudioTracks().length}
            onClick={() => (snap.interpreting ? session.stopInterpreting() : void session.startInterpreting())}
          >
            {snap.interpreting
              ? t('negotiation.stopInterpreting')
              : t('negotiation.interpretInto', { language: languageName(mine.to) })}
          </button>
          <p className="call-panel__hint" role="status">
            {snap.interpreting
              ? t('negotiation.onAirHint', { language: languageName(mine.to) })
              : t('negotiation.offAirHint')}
          </p>
        </section>
      ) : null}
      {mayAssign ? (
        <Assignments interp={interp} channels={channels} participants={snap.participants} sideCode={sideCode} />
      ) : null}
    </div>
  );
}

/** Chairs: the interpreters with their pairs, and the form that assigns one. */
function Assignments({
  interp,
  channels,
  participants,
  sideCode,
}: {
  interp: Interpretation;
  channels: Channel[];
  participants: CallParticipant[];
  sideCode: (sideId: string) => string;
}) {
  const t = useT();
  const ids = { who: useId(), from: useId(), to: useId() };
  const [userId, setUserId] = useState('');
  const [from, setFrom] = useState('en');
  const [to, setTo] = useState('');
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await interp.run((id) => interpretationApi.assign(id, { userId, from: from.trim(), to: to.trim() }))) setTo('');
  };
  return (
    <section className="call-panel__section" aria-labelledby="interp-assign-h">
      <h3 id="interp-assign-h">{t('negotiation.interpreters')}</h3>
      <ul className="interp__list" data-testid="interp-list">
        {channels.map(({ assignment: a }) => (
          <li key={a.userId}>
            <span>
              <strong>{a.displayName}</strong> <span className="muted">{sideCode(a.sideId)}</span>
              <br />
              {languageName(a.from)} <span className="flip-rtl">→</span> {languageName(a.to)}
            </span>
            <button
              type="button"
              className="btn btn--ghost btn--small"
              onClick={() => void interp.run((id) => interpretationApi.remove(id, a.userId))}
            >
              <span aria-hidden="true">{t('negotiation.remove')}</span>
              <span className="visually-hidden">{t('negotiation.removeInterpreter', { name: a.displayName })}</span>
            </button>
          </li>
        ))}
      </ul>
      <form className="interp__form" onSubmit={(e) => void submit(e)}>
        <label htmlFor={ids.who}>{t('negotiation.interpreter')}</label>
        <select id={ids.who} value={userId} onChange={(e) => setUserId(e.target.value)} required>
          <option value="">{t('negotiation.chooseParticipant')}</option>
          {participants.map((p) => (
            <option key={p.participantId} value={p.userId}>
              {p.displayName} ({sideCode(p.sideId)})
            </option>
          ))}
        </select>
        <div className="interp__pair-fields">
          <span>
            <label htmlFor={ids.from}>{t('negotiation.fromTag')}</label>
            <input id={ids.from} value={from} onChange={(e) => setFrom(e.target.value)} required placeholder="en" />
          </span>
          <span>
            <label htmlFor={ids.to}>{t('negotiation.intoTag')}</label>
            <input id={ids.to} value={to} onChange={(e) => setTo(e.target.value)} required placeholder="fr" />
          </span>
        </div>
        <button type="submit" className="btn btn--secondary btn--small">
          {t('negotiation.assign')}
        </button>
      </form>
    </section>
  );
}

/** The chosen channel, played in full over the ducked floor (the floor's volume is set on each tile). */
export function ChannelAudio({ media }: { media: MediaStream | null }) {
  return media ? (
    // biome-ignore lint/a11y/useMediaCaption: a live interpreter's voice has no caption track to offer (nor has the floor)
    <audio
      autoPlay
      data-testid="interp-audio"
      ref={(el) => {
        if (el && el.srcObject !== media) {
          el.srcObject = media;
          void el.play().catch(() => {});
        }
      }}
    />
  ) : null;
}

/** "Interpreter · FR, on air" in the roster and on the interpreter's tile. */
export function InterpreterBadge({ to, onAir }: { to: string; onAir: boolean }) {
  const t = useT();
  return (
    <span className={`floor-badge interp-badge${onAir ? ' interp-badge--live' : ''}`}>
      <span className="visually-hidden">{t('negotiation.badgeInterpreterInto')} </span>
      <span aria-hidden="true">{t('negotiation.badgeInterp')} </span>
      {to.toUpperCase()}
      {onAir ? <span className="visually-hidden">{t('negotiation.badgeOnAir')}</span> : null}
    </span>
  );
}
