import { afterEach, describe, expect, it, vi } from 'vitest';
import { e2eeMode, supportsE2ee } from './support';

/**
 * The engines as they present themselves to the pre-join check: what RTCRtpScriptTransform and createEncodedStreams
 * each one has. An engine with neither cannot encrypt frames, and the call page then says so instead of the pre-join.
 */
function engine(opts: { scriptTransform: boolean; encodedStreams: boolean }) {
  class Sender {}
  class Receiver {}
  if (opts.encodedStreams)
    for (const c of [Sender, Receiver])
      Object.assign(c.prototype, { createEncodedStreams: () => ({ readable: null, writable: null }) });
  vi.stubGlobal('Worker', class {});
  vi.stubGlobal('RTCRtpSender', Sender);
  vi.stubGlobal('RTCRtpReceiver', Receiver);
  vi.stubGlobal('RTCRtpScriptTransform', opts.scriptTransform ? class {} : undefined);
}

afterEach(() => vi.unstubAllGlobals());

describe('which browsers can take part in an E2EE call', () => {
  it('Firefox 117 and later, Safari and current Chromium: RTCRtpScriptTransform', () => {
    engine({ scriptTransform: true, encodedStreams: false });
    expect(e2eeMode()).toBe('script-transform');
    expect(supportsE2ee()).toBe(true);
  });

  it('older Chromium: the createEncodedStreams fallback', () => {
    engine({ scriptTransform: false, encodedStreams: true });
    expect(e2eeMode()).toBe('encoded-streams');
    expect(supportsE2ee()).toBe(true);
  });

  it('Firefox before 117 (WebRTC, but neither API) cannot take part', () => {
    engine({ scriptTransform: false, encodedStreams: false });
    expect(e2eeMode()).toBeNull();
    expect(supportsE2ee()).toBe(false);
  });

  it('a sender with createEncodedStreams but a receiver without it is not enough', () => {
    engine({ scriptTransform: false, encodedStreams: false });
    Object.assign((globalThis as unknown as { RTCRtpSender: { prototype: object } }).RTCRtpSender.prototype, {
      createEncodedStreams: () => null,
    });
    expect(supportsE2ee()).toBe(false);
  });

  it('a page without WebRTC or workers cannot take part', () => {
    vi.stubGlobal('RTCRtpSender', undefined);
    expect(supportsE2ee()).toBe(false);
  });
});
