import type { Translate } from '../i18n/said';

export interface DeviceChoice {
  cameraId: string | null;
  microphoneId: string | null;
}

const STORE_KEY = 'parley.call.devices';

export function savedDevices(): DeviceChoice {
  try {
    const raw = JSON.parse(localStorage.getItem(STORE_KEY) ?? '{}') as Partial<DeviceChoice>;
    return { cameraId: raw.cameraId ?? null, microphoneId: raw.microphoneId ?? null };
  } catch {
    return { cameraId: null, microphoneId: null };
  }
}

export function saveDevices(choice: DeviceChoice): void {
  localStorage.setItem(STORE_KEY, JSON.stringify(choice));
}

const VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/** Camera and microphone as one stream; a missing camera still yields a microphone-only stream. */
export async function openLocalMedia(choice: DeviceChoice): Promise<MediaStream> {
  const audio = { ...AUDIO, ...(choice.microphoneId ? { deviceId: { exact: choice.microphoneId } } : {}) };
  const video = { ...VIDEO, ...(choice.cameraId ? { deviceId: { exact: choice.cameraId } } : {}) };
  try {
    return await navigator.mediaDevices.getUserMedia({ audio, video });
  } catch (err) {
    if (err instanceof DOMException && (err.name === 'NotFoundError' || err.name === 'OverconstrainedError'))
      return navigator.mediaDevices.getUserMedia({ audio, video: false });
    throw err;
  }
}

export async function openTrack(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const s = await navigator.mediaDevices.getUserMedia(
    kind === 'audio'
      ? { audio: { ...AUDIO, deviceId: { exact: deviceId } } }
      : { video: { ...VIDEO, deviceId: { exact: deviceId } } },
  );
  return s.getTracks()[0]!;
}

export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput' && d.deviceId),
    microphones: all.filter((d) => d.kind === 'audioinput' && d.deviceId),
  };
}

export function mediaErrorText(err: unknown, t: Translate): string {
  if (err instanceof DOMException) {
    if (err.name === 'NotAllowedError') return t('call-room.mediaNotAllowed');
    if (err.name === 'NotFoundError') return t('call-room.mediaNotFound');
    if (err.name === 'NotReadableError') return t('call-room.mediaInUse');
  }
  return err instanceof Error ? err.message : t('call-room.mediaFailed');
}

/** The screen (or a window) to share; `null` when the user cancelled the picker. */
export async function pickScreen(t: Translate): Promise<MediaStream | null> {
  try {
    return await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'NotAllowedError') return null;
    throw new Error(screenErrorText(err, t));
  }
}

/**
 * What to tell someone whose screen could not be captured. The browsers' own messages are not for people (Firefox
 * without a display to capture says "The object can not be found here.").
 */
export function screenErrorText(err: unknown, t: Translate): string {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  if (name === 'NotFoundError') return t('call-room.screenNotFound');
  if (name === 'NotReadableError' || name === 'AbortError') return t('call-room.screenRefused');
  if (name === 'NotSupportedError' || name === 'TypeError') return t('call-room.screenUnsupported');
  return t('call-room.screenFailed');
}
