import { useEffect, useId, useRef, useState } from 'react';
import { FormattedMessage } from 'react-intl';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { useT } from '../i18n/I18nProvider';
import { callApi } from './api';
import type { CallContext } from './CallPage';
import { listDevices, mediaErrorText, openLocalMedia, saveDevices, savedDevices } from './devices';
import { CameraIcon, MicIcon } from './icons';
import type { CallSession } from './session';
import type { CallSnapshot } from './snapshot';

/** Camera and microphone check before joining: preview, device choice, start muted or with the camera off. */
export function PreJoin({
  ctx,
  session,
  snap,
  onStarted,
  beforeJoin,
  autoJoin,
}: {
  ctx: CallContext;
  session: CallSession;
  snap: CallSnapshot;
  onStarted: () => Promise<void>;
  /** False when the person must first choose (the call is open in another tab). */
  beforeJoin: () => Promise<boolean>;
  /** Join as soon as the camera is ready (the call was just moved to this tab). */
  autoJoin: boolean;
}) {
  const [media, setMedia] = useState<MediaStream | null>(null);
  // The failure itself, worded at render time so that it reads in the language shown then.
  const [mediaFailure, setMediaFailure] = useState<{ err: unknown } | null>(null);
  const [devices, setDevices] = useState<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }>({
    cameras: [],
    microphones: [],
  });
  const [choice, setChoice] = useState(savedDevices);
  const [audio, setAudio] = useState(true);
  const [video, setVideo] = useState(true);
  const [busy, setBusy] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const handedOver = useRef(false);
  const preview = useRef<HTMLVideoElement>(null);
  const camId = useId();
  const micId = useId();
  const t = useT();
  const mediaError = mediaFailure ? mediaErrorText(mediaFailure.err, t) : null;

  useEffect(() => {
    let alive = true;
    let opened: MediaStream | null = null;
    openLocalMedia(choice)
      .then(async (s) => {
        if (!alive) {
          for (const track of s.getTracks()) track.stop();
          return;
        }
        opened = s;
        setMedia(s);
        setMediaFailure(null);
        setDevices(await listDevices());
      })
      .catch((err: unknown) => alive && setMediaFailure({ err }));
    return () => {
      alive = false;
      // Once joined, the session owns the tracks.
      if (!handedOver.current) for (const track of opened?.getTracks() ?? []) track.stop();
    };
  }, [choice]);

  useEffect(() => {
    if (preview.current) preview.current.srcObject = media;
  }, [media]);
  useEffect(() => {
    if (media) session.warm(media);
  }, [session, media]);
  useEffect(() => {
    for (const track of media?.getAudioTracks() ?? []) track.enabled = audio;
  }, [media, audio]);
  useEffect(() => {
    for (const track of media?.getVideoTracks() ?? []) track.enabled = video;
  }, [media, video]);

  const pick = (next: Partial<typeof choice>) => {
    const c = { ...choice, ...next };
    saveDevices(c);
    setChoice(c);
  };

  const role = ctx.group.myMembership?.role;
  const mayStart = role === 'chair';
  const active = ctx.status?.active ?? false;

  const start = async () => {
    setBusy(true);
    setStartError(null);
    try {
      await callApi.start(ctx.meeting.id);
    } catch (err) {
      setStartError(errorMessage(err));
      setBusy(false);
      return;
    }
    // The chair who starts the call is in it: pressing Join as well was a step nobody expected. A camera still
    // starting up (or its permission prompt still open) joins as soon as it is ready.
    if (media) await join();
    else setJoinWhenReady(true);
    setBusy(false);
    await onStarted();
  };

  // One join at a time: a Join click and the join that follows Start (or a moved call) may both come for one camera.
  const joinStarted = useRef(false);
  const join = async () => {
    if (!media || joinStarted.current) return;
    joinStarted.current = true;
    try {
      if (!(await beforeJoin())) return;
      handedOver.current = true;
      await session.join(media, { audio, video });
    } finally {
      joinStarted.current = false;
    }
  };
  const joinRef = useRef(join);
  joinRef.current = join;
  const [joinWhenReady, setJoinWhenReady] = useState(false);
  const autoJoined = useRef(false);
  useEffect(() => {
    if (!(autoJoin || joinWhenReady) || !media || autoJoined.current) return;
    autoJoined.current = true;
    void joinRef.current();
  }, [autoJoin, joinWhenReady, media]);

  const joining = snap.phase === 'joining';
  return (
    <div className="call-prejoin" data-theme="dark">
      <header className="call-prejoin__head">
        <Link to={`/meetings/${ctx.meeting.id}`} className="call-back">
          <span className="flip-rtl" aria-hidden="true">
            ←
          </span>{' '}
          {ctx.meeting.title}
        </Link>
        <h1>{t('call.joinTitle')}</h1>
        <p className="call-prejoin__e2ee">
          <FormattedMessage id="call.e2ee" values={{ strong: (words) => <strong>{words}</strong> }} />
        </p>
      </header>
      <div className="call-prejoin__body">
        <div className="call-prejoin__preview">
          <video ref={preview} autoPlay playsInline muted aria-label={t('call.preview')} />
          {!video || !media?.getVideoTracks().length ? (
            <div className="call-prejoin__off">{mediaError ? '' : t('call.cameraOff')}</div>
          ) : null}
          <div className="call-prejoin__toggles">
            <button
              type="button"
              className={`call-btn${audio ? '' : ' call-btn--off'}`}
              onClick={() => setAudio(!audio)}
            >
              <MicIcon off={!audio} /> {audio ? t('call.mute') : t('call.unmute')}
            </button>
            <button
              type="button"
              className={`call-btn${video ? '' : ' call-btn--off'}`}
              onClick={() => setVideo(!video)}
            >
              <CameraIcon off={!video} /> {video ? t('call.turnCameraOff') : t('call.turnCameraOn')}
            </button>
          </div>
        </div>
        <div className="call-prejoin__side">
          {mediaError ? (
            <div className="alert alert--error" role="alert">
              {mediaError}
            </div>
          ) : null}
          <div className="field">
            <label htmlFor={camId}>{t('call.camera')}</label>
            <select
              id={camId}
              value={choice.cameraId ?? ''}
              onChange={(e) => pick({ cameraId: e.target.value || null })}
            >
              <option value="">{t('call.defaultCamera')}</option>
              {devices.cameras.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || t('call.cameraN', { n: i + 1 })}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={micId}>{t('call.microphone')}</label>
            <select
              id={micId}
              value={choice.microphoneId ?? ''}
              onChange={(e) => pick({ microphoneId: e.target.value || null })}
            >
              <option value="">{t('call.defaultMicrophone')}</option>
              {devices.microphones.map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || t('call.microphoneN', { n: i + 1 })}
                </option>
              ))}
            </select>
          </div>
          <p className="call-prejoin__status" role="status">
            {active
              ? ctx.status?.participantCount
                ? t('call.runningWith', { count: ctx.status.participantCount })
                : t('call.running')
              : t('call.notStarted')}
          </p>
          {snap.phase === 'error' && snap.error ? (
            <div className="alert alert--error" role="alert">
              {snap.error}
            </div>
          ) : null}
          {startError ? (
            <div className="alert alert--error" role="alert">
              {startError}
            </div>
          ) : null}
          {!active && mayStart ? (
            <button type="button" className="btn btn--primary btn--block" disabled={busy} onClick={() => void start()}>
              {busy ? t('call.starting') : t('call.start')}
            </button>
          ) : null}
          <button
            type="button"
            className="btn btn--primary btn--block"
            disabled={!active || !media || joining || snap.device === 'preparing'}
            onClick={() => void join()}
          >
            {joining ? t('call.joining') : t('call.join')}
          </button>
          {active && snap.device === 'preparing' ? <p className="field__hint">{t('call.preparing')}</p> : null}
          {!active && !mayStart ? <p className="field__hint">{t('call.chairStarts')}</p> : null}
        </div>
      </div>
    </div>
  );
}
