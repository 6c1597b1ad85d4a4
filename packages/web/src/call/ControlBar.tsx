import { useState } from 'react';
import { pickScreen } from './devices';
import {
  CameraIcon,
  ChatIcon,
  HandIcon,
  LeaveIcon,
  MicIcon,
  PeopleIcon,
  QueueIcon,
  ScreenIcon,
  ShieldIcon,
} from './icons';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';

export type PanelName = 'chat' | 'verify' | 'people' | 'floor' | null;

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
}) {
  const [shareError, setShareError] = useState<string | null>(null);
  const toggle = (p: Exclude<PanelName, null>) => setPanel(panel === p ? null : p);
  const share = async () => {
    setShareError(null);
    if (snap.screen) return session.stopShare();
    try {
      const s = await pickScreen();
      if (s) await session.startShare(s);
    } catch (err) {
      setShareError(err instanceof Error ? err.message : 'Your screen could not be shared.');
    }
  };
  const waiting = snap.lobby.length;
  return (
    <div className="call-controls" role="toolbar" aria-label="Call controls">
      <div className="call-controls__group">
        <button
          type="button"
          className={`call-btn${snap.audio ? '' : ' call-btn--off'}`}
          onClick={() => session.setAudio(!snap.audio)}
        >
          <MicIcon off={!snap.audio} />
          {snap.audio ? 'Mute' : 'Unmute'}
        </button>
        <button
          type="button"
          className={`call-btn${snap.video ? '' : ' call-btn--off'}`}
          disabled={!snap.local?.getVideoTracks().length}
          onClick={() => session.setVideo(!snap.video)}
        >
          <CameraIcon off={!snap.video} />
          {snap.video ? 'Stop camera' : 'Start camera'}
        </button>
        <button type="button" className={`call-btn${snap.screen ? ' call-btn--on' : ''}`} onClick={() => void share()}>
          <ScreenIcon />
          {snap.screen ? 'Stop sharing' : 'Share screen'}
        </button>
        {hand ? (
          <button
            type="button"
            className={`call-btn${hand.raised ? ' call-btn--on' : ''}`}
            aria-pressed={hand.raised}
            onClick={hand.toggle}
          >
            <HandIcon />
            {hand.raised ? 'Lower hand' : 'Raise hand'}
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
          People
          {mayAdmit && waiting > 0 ? (
            <span className="call-count">
              {waiting}
              <span className="visually-hidden"> waiting</span>
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
            Speakers
            {hand.waiting > 0 ? (
              <span className="call-count">
                {hand.waiting}
                <span className="visually-hidden"> waiting to speak</span>
              </span>
            ) : null}
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
          Chat
        </button>
        <button
          type="button"
          className={`call-btn${panel === 'verify' ? ' call-btn--on' : ''}`}
          aria-expanded={panel === 'verify'}
          aria-controls="call-panel"
          onClick={() => toggle('verify')}
        >
          <ShieldIcon />
          Verify
        </button>
      </div>
      <div className="call-controls__group">
        {isChair ? (
          <button type="button" className="call-btn call-btn--danger-outline" onClick={onEnd}>
            End for everyone
          </button>
        ) : null}
        <button type="button" className="call-btn call-btn--danger" onClick={() => void session.leave()}>
          <LeaveIcon />
          Leave
        </button>
      </div>
    </div>
  );
}
