// Which layout (frame-cryptor.ts) an encoded frame gets, from what the browser engine says about it. Frame metadata
// differs between engines and releases: `mimeType` came late to the spec (Firefox ESR 153 and current Chromium name
// the codec, earlier releases may not), a received frame in Firefox has no `frameId`, and audio frames have no `type`.
// So only the codec is read, and only when it is there.
import type { FrameLayout } from './frame-cryptor.js';

/** An encoded frame as RTCRtpScriptTransform (or Chromium's encoded streams) hands it to the worker. */
export interface EncodedFrame {
  data: ArrayBuffer;
  getMetadata?(): { mimeType?: string };
}

/**
 * VP8 keeps its payload header in clear; anything else is encrypted whole. A video frame whose engine does not name
 * the codec is VP8: the call's Janus room carries VP8 video only, and both ends apply the same rule to the same
 * bytes (the receiver reads the clear header's first byte, which the sender left untouched).
 */
export function layoutOf(kind: string, frame: EncodedFrame): FrameLayout {
  if (kind === 'audio') return 'opaque';
  const mime = frame.getMetadata?.().mimeType?.toLowerCase();
  return mime === undefined || mime === '' || mime === 'video/vp8' ? 'vp8' : 'opaque';
}
