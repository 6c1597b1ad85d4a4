// Which encoded-transform API this browser offers. RTCRtpScriptTransform (W3C WebRTC Encoded Transform) runs the
// transform in a worker chosen by the page; Chromium's older createEncodedStreams() hands the page the streams,
// which are then transferred to the same worker. Without either, frames cannot be end-to-end encrypted.

export type E2eeMode = 'script-transform' | 'encoded-streams';

interface LegacySender {
  createEncodedStreams?: () => { readable: ReadableStream; writable: WritableStream };
}

export function e2eeMode(): E2eeMode | null {
  if (typeof Worker === 'undefined' || typeof RTCRtpSender === 'undefined') return null;
  if (typeof (globalThis as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform === 'function') {
    return 'script-transform';
  }
  const proto = RTCRtpSender.prototype as unknown as LegacySender;
  const receiverProto = RTCRtpReceiver.prototype as unknown as LegacySender;
  if (typeof proto.createEncodedStreams === 'function' && typeof receiverProto.createEncodedStreams === 'function') {
    return 'encoded-streams';
  }
  return null;
}

/** False: this browser cannot encrypt frames end to end, so it must not join (Janus rooms require E2EE anyway). */
export function supportsE2ee(): boolean {
  return e2eeMode() !== null;
}

/**
 * Adds what the peer connections need for E2EE: with the createEncodedStreams fallback Chromium only exposes the
 * frames when the connection was built with `encodedInsertableStreams: true`. Use it for every RTCPeerConnection
 * of the call (publishers and the subscriber).
 */
export function e2eePeerConnectionConfig(base: RTCConfiguration = {}): RTCConfiguration {
  if (e2eeMode() !== 'encoded-streams') return base;
  return { ...base, encodedInsertableStreams: true } as RTCConfiguration;
}

/**
 * Whole frames are encrypted (RFC 9605), so the packetiser must not need to read the payload: VP8 (the Janus room's
 * codec), VP9 and AV1 are packetised from codec metadata, H.264 is split at NAL start codes inside the payload and
 * breaks. Puts the safe codecs first and drops H.264 from a transceiver's preferences.
 */
export function preferE2eeVideoCodecs(transceiver: RTCRtpTransceiver): void {
  const caps = typeof RTCRtpReceiver.getCapabilities === 'function' ? RTCRtpReceiver.getCapabilities('video') : null;
  if (!caps || typeof transceiver.setCodecPreferences !== 'function') return;
  const rank = (mime: string) => ['video/vp8', 'video/vp9', 'video/av1'].indexOf(mime.toLowerCase());
  const codecs = caps.codecs
    .filter((c) => c.mimeType.toLowerCase() !== 'video/h264')
    .sort((a, b) => {
      const ra = rank(a.mimeType);
      const rb = rank(b.mimeType);
      return (ra < 0 ? 99 : ra) - (rb < 0 ? 99 : rb);
    });
  transceiver.setCodecPreferences(codecs);
}

/**
 * The Web Lock a tab holds while it takes part in a call (one tab per call and person in a browser: the tabs share
 * the E2EE device and its stored MLS state). The call page asks it whether another tab is in the call.
 */
export const callLockName = (meetingId: string, userId: string) => `parley-e2ee-call:${meetingId}:${userId}`;
