import { useState } from 'react';
import { useT } from '../i18n/I18nProvider';
import { pickScreen } from './devices';
import {
  CameraIcon,
  ChatIcon,
  HandIcon,
  LanguageIcon,
  LeaveIcon,
  MicIcon,
  PeopleIcon,
  QueueIcon,
  ScreenIcon,
  ShieldIcon,
} from './icons';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';

export type PanelName = 'chat' | 'verify' | 'people' | 'floor' | 'language' | null;

/** The speakers' list as the bar shows it: one's own hand, and how many wait. */
export interface HandControl {
  raised: boolean;
  waiting: number;
  toggle(): void;
}

/** Bottom bar. Labels say what pressing does now; toggled panels report aria-expanded. */
export function ControlBar({
  session,
  snap,
  panel,
  setPanel,
  mayAdmit,
  isChair,
  onEnd,
  hand,
  channel,
}: {
  session: CallSession;
  snap: CallSnapshot;
  panel: PanelName;
  setPanel: (p: PanelName) => void;
  mayAdmit: boolean;
  isChair: boolean;
  onEnd: () => void;
  /** Absent when the call keeps no speakers' list (a side-only meeting). */
  hand?: HandControl | undefined;
  /** What this person hears (`FLOOR` or a language tag); absent when no channel is offered and they assign none. */
  channel?: string | undefined;
}) {
  const [shareError, setShareError] = useState<string | null>(null);
  const t = useT();
  const toggle = (p: Exclude<PanelName, null>) => setPanel(panel === p ? null : p);
  const share = async () => {
    setShareError(null);
    if (snap.screen) return session.stopShare();
    try {
      const s = await pickScreen(t);
      if (s) await session.startShare(s);
    } catch (err) {
      setShareError(err instanceof Error ? err.message : t('call.shareFailed'));
    }
  };
  const waiting = snap.lobby.length;
  return (
    <div className="call-controls" role="toolbar" aria-label={t('call.controls')}>
      <div className="call-controls__group">
        <button
          type="button"
          className={`call-btn${snap.audio ? '' : ' call-btn--off'}`}
          onClick={() => session.setAudio(!snap.audio)}
        >
          <MicIcon off={!snap.audio} />
          {snap.audio ? t('call.mute') : t('call.unmute')}
        </button>
        <button
          type="button"
          className={`call-btn${snap.video ? '' : ' call-btn--off'}`}
          disabled={!snap.local?.getVideoTracks().length}
          onClick={() => session.setVideo(!snap.video)}
        >
          <CameraIcon off={!snap.video} />
          {snap.video ? t('call.stopCamera') : t('call.startCamera')}
        </button>
        <button type="button" className={`call-btn${snap.screen ? ' call-btn--on' : ''}`} onClick={() => void share()}>
          <ScreenIcon />
          {snap.screen ? t('call.stopSharing') : t('call.shareScreen')}
        </button>
        {hand ? (
          <button
            type="button"
            className={`call-btn${hand.raised ? ' call-btn--on' : ''}`}
            aria-pressed={hand.raised}
            onClick={hand.toggle}
          >
            <HandIcon />
            {hand.raised ? t('call.lowerHand') : t('call.raiseHand')}
          </button>
        ) : null}
        {shareError ? (
          <span className="call-controls__error" role="alert">
            {shareError}
          </span>
        ) : null}
      </div>
      <div className="call-controls__group">
        <button
          type="button"
          className={`call-btn${panel === 'people' ? ' call-btn--on' : ''}`}
          aria-expanded={panel === 'people'}
          aria-controls="call-panel"
          onClick={() => toggle('people')}
        >
          <PeopleIcon />
          {t('call.people')}
          {mayAdmit && waiting > 0 ? (
            <span className="call-count">
              {waiting}
              <span className="visually-hidden">{t('call.waiting')}</span>
            </span>
          ) : null}
        </button>
        {hand ? (
          <button
            type="button"
            className={`call-btn${panel === 'floor' ? ' call-btn--on' : ''}`}
            aria-expanded={panel === 'floor'}
            aria-controls="call-panel"
            onClick={() => toggle('floor')}
          >
            <QueueIcon />
            {t('call.speakers')}
            {hand.waiting > 0 ? (
              <span className="call-count">
                {hand.waiting}
                <span className="visually-hidden">{t('call.waitingToSpeak')}</span>
              </span>
            ) : null}
          </button>
        ) : null}
        {channel ? (
          <button
            type="button"
            className={`call-btn${panel === 'language' ? ' call-btn--on' : ''}`}
            aria-expanded={panel === 'language'}
            aria-controls="call-panel"
            aria-label={t('negotiation.languageButton', { channel })}
            title={t('negotiation.languageButtonTitle')}
            onClick={() => toggle('language')}
          >
            <LanguageIcon />
            {channel}
          </button>
        ) : null}
        <button
          type="button"
          className={`call-btn${panel === 'chat' ? ' call-btn--on' : ''}`}
          aria-expanded={panel === 'chat'}
          aria-controls="call-panel"
          onClick={() => toggle('chat')}
        >
          <ChatIcon />
          {t('call.chat')}
        </button>
        <button
          type="button"
          className={`call-btn${panel === 'verify' ? ' call-btn--on' : ''}`}
          aria-expanded={panel === 'verify'}
          aria-controls="call-panel"
          onClick={() => toggle('verify')}
        >
          <ShieldIcon />
          {t('call.verify')}
        </button>
      </div>
      <div className="call-controls__group">
        {isChair ? (
          <button type="button" className="call-btn call-btn--danger-outline" onClick={onEnd}>
            {t('call.endForEveryone')}
          </button>
        ) : null}
        <button type="button" className="call-btn call-btn--danger" onClick={() => void session.leave()}>
          <LeaveIcon />
          {t('call.leave')}
        </button>
      </div>
    </div>
  );
}
