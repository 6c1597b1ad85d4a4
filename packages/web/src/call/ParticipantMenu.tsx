import type { CallParticipant } from '@parley/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import type { CallSession } from './session';

/** Moderation of one participant (chairs and secretariat): request mute (own side only) and remove. */
export function ParticipantMenu({
  participant,
  ownSide,
  session,
}: {
  participant: CallParticipant;
  ownSide: boolean;
  session: CallSession;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const id = useId();
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLFieldSetElement>(null);
  useEffect(() => {
    if (!open) return;
    menu.current?.querySelector('button')?.focus();
    const close = (e: MouseEvent) => {
      if (!menu.current?.contains(e.target as Node) && e.target !== button.current) setOpen(false);
    };
    document.addEventListener('mousedown', close);
    return () => document.removeEventListener('mousedown', close);
  }, [open]);
  const done = () => {
    setOpen(false);
    setConfirm(false);
    button.current?.focus();
  };
  return (
    <span className="call-menu">
      <button
        ref={button}
        type="button"
        className="call-menu__button"
        aria-haspopup="true"
        aria-expanded={open}
        aria-controls={id}
        aria-label={t('call-room.actionsFor', { name: participant.displayName })}
        onClick={() => setOpen(!open)}
      >
        ⋯
      </button>
      {open ? (
        <fieldset
          ref={menu}
          id={id}
          className="call-menu__list"
          aria-label={t('call-room.actionsFor', { name: participant.displayName })}
          onKeyDown={(e) => e.key === 'Escape' && done()}
        >
          {ownSide ? (
            <button
              type="button"
              disabled={!participant.audio}
              onClick={() => {
                session.requestMute(participant.participantId);
                done();
              }}
            >
              {participant.audio ? t('call-room.askToMute') : t('call-room.alreadyMuted')}
            </button>
          ) : null}
          {confirm ? (
            <button
              type="button"
              className="call-menu__danger"
              onClick={() => {
                session.remove(participant.participantId);
                done();
              }}
            >
              {t('call-room.confirmRemove', { name: participant.displayName })}
            </button>
          ) : (
            <button type="button" className="call-menu__danger" onClick={() => setConfirm(true)}>
              {t('call-room.removeFromCall')}
            </button>
          )}
          <button type="button" onClick={done}>
            {t('common.cancel')}
          </button>
        </fieldset>
      ) : null}
    </span>
  );
}
