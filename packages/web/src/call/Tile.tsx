import type { CallParticipant, Side } from '@parley/protocol';
import { type CSSProperties, useContext, useEffect, useRef } from 'react';
import { ROLE_LABELS } from '../components/ui';
import type { KeyStatus } from '../e2ee/types';
import type { MessageId } from '../i18n/catalogue';
import { useT } from '../i18n/I18nProvider';
import { CameraIcon, MicIcon } from './icons';
import { FloorVolume } from './interpretation-api';

const KEY_TEXT = {
  ok: null,
  waiting: 'call-room.keysWaiting',
  'unknown-device-key': 'call-room.keysUnknownDevice',
  failing: 'call-room.keysFailing',
  unsupported: 'call-room.keysUnsupported',
} as const satisfies Record<KeyStatus, MessageId | null>;

export function Tile({
  participant,
  side,
  media,
  isMe,
  stream = 'main',
  keyStatus,
  large,
  onFirstFrame,
  onSize,
  menu,
  floorBadge,
}: {
  participant: CallParticipant;
  side: Side | undefined;
  media: MediaStream | null;
  isMe: boolean;
  stream?: 'main' | 'screen';
  keyStatus: KeyStatus | undefined;
  large?: boolean;
  onFirstFrame?: () => void;
  /** The tile's height in device pixels, on mount and on every resize (picks the simulcast layer to receive). */
  onSize?: (participantId: string, heightPx: number) => void;
  menu?: React.ReactNode;
  /** The speakers' list's badge: this person has the floor (and for how long) or waits for it. */
  floorBadge?: React.ReactNode;
}) {
  const t = useT();
  const video = useRef<HTMLVideoElement>(null);
  const figure = useRef<HTMLElement>(null);
  const participantId = participant.participantId;
  useEffect(() => {
    const el = figure.current;
    if (!el || !onSize) return;
    const report = () => onSize(participantId, el.getBoundingClientRect().height * window.devicePixelRatio);
    report();
    const ro = new ResizeObserver(report);
    ro.observe(el);
    return () => ro.disconnect();
  }, [onSize, participantId]);
  useEffect(() => {
    const el = video.current;
    if (!el || el.srcObject === media) return;
    el.srcObject = media;
    if (media) void el.play().catch(() => {});
  }, [media]);
  // Lowered beneath a chosen interpretation channel (ducking); the tile's own audio plays through this element.
  const volume = useContext(FloorVolume);
  useEffect(() => {
    if (video.current) video.current.volume = volume;
  }, [volume]);
  useEffect(() => {
    const el = video.current;
    if (!el || !onFirstFrame) return;
    const on = () => {
      if (el.videoWidth > 0) onFirstFrame();
    };
    el.addEventListener('loadeddata', on);
    el.addEventListener('resize', on);
    return () => {
      el.removeEventListener('loadeddata', on);
      el.removeEventListener('resize', on);
    };
  }, [onFirstFrame]);

  const screen = stream === 'screen';
  const showVideo = screen || (participant.video && (media?.getVideoTracks().length ?? 0) > 0);
  const keyId = keyStatus ? KEY_TEXT[keyStatus] : null;
  const keyText = keyId ? t(keyId, { name: participant.displayName }) : null;
  const who = isMe ? t('call-room.nameYou', { name: participant.displayName }) : participant.displayName;
  const label = screen ? t('call-room.sharedScreenOf', { name: who }) : who;
  return (
    <figure
      ref={figure}
      className={`call-tile${large ? ' call-tile--large' : ''}${participant.speaking && !screen ? ' call-tile--speaking' : ''}${screen ? ' call-tile--screen' : ''}`}
      style={{ '--side': side?.colour ?? '#667085' } as CSSProperties}
      data-participant-id={participant.participantId}
      data-stream={stream}
      aria-label={label}
    >
      {/* Remote audio plays through this element too, so it stays mounted when the camera is off. */}
      <video ref={video} autoPlay playsInline muted={isMe || screen} className={showVideo ? '' : 'call-tile__hidden'} />
      {!showVideo ? (
        <div className="call-tile__avatar" aria-hidden="true">
          {initials(participant.displayName)}
        </div>
      ) : null}
      {participant.presence !== 'here' && !screen ? (
        <div className="call-tile__presence" role="status">
          {participant.presence === 'in-caucus' ? t('call-room.inCaucus') : t('call-room.away')}
        </div>
      ) : null}
      {keyText && participant.presence === 'here' ? (
        <div className={`call-tile__keys call-tile__keys--${keyStatus}`} role="status">
          {keyText}
        </div>
      ) : null}
      <figcaption className="call-tile__caption">
        {side ? (
          <span className="side-code" style={{ '--side': side.colour } as CSSProperties} title={side.name}>
            {side.shortCode}
          </span>
        ) : null}
        <span className="call-tile__who">
          <span className="call-tile__name">
            {screen ? t('call-room.presenting', { name: participant.displayName }) : who}
            {participant.speaking && !screen ? (
              <span className="visually-hidden"> {t('call-room.speaking')}</span>
            ) : null}
          </span>
          {!screen ? (
            <span className="call-tile__meta">
              {[participant.title || ROLE_LABELS[participant.role], participant.agencyName].filter(Boolean).join(' · ')}
            </span>
          ) : null}
        </span>
        {!screen && floorBadge ? floorBadge : null}
        {!screen ? (
          <span className="call-tile__badges">
            {!participant.audio ? (
              <span className="call-badge" title={t('call-room.micOff')}>
                <MicIcon off />
                <span className="visually-hidden">{t('call-room.micOff')}</span>
              </span>
            ) : null}
            {!participant.video ? (
              <span className="call-badge" title={t('call-room.cameraOff')}>
                <CameraIcon off />
                <span className="visually-hidden">{t('call-room.cameraOff')}</span>
              </span>
            ) : null}
          </span>
        ) : null}
        {menu}
      </figcaption>
    </figure>
  );
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts.at(-1)?.[0] ?? '') : '')).toUpperCase();
}
