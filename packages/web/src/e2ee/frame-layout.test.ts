import { describe, expect, it } from 'vitest';
import { clearPrefixLength } from './frame-cryptor.js';
import { layoutOf } from './frame-layout.js';

const frame = (metadata?: { mimeType?: string; payloadType?: number }) => ({
  data: new Uint8Array([0x30, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).buffer,
  ...(metadata ? { getMetadata: () => metadata } : {}),
});

describe('layoutOf: what each engine says about a frame', () => {
  it('keeps the VP8 header in clear when the engine names the codec', () => {
    expect(layoutOf('video', frame({ mimeType: 'video/VP8' }))).toBe('vp8');
  });

  it('takes a video frame whose metadata has no codec (older engines) for the room’s VP8', () => {
    const unnamed = frame({ payloadType: 120 });
    expect(layoutOf('video', unnamed)).toBe('vp8');
    // The same clear prefix on both ends: a receiver told VP8 strips what a sender that was not told left clear.
    const bytes = new Uint8Array(unnamed.data);
    expect(clearPrefixLength(layoutOf('video', unnamed), bytes)).toBe(
      clearPrefixLength(layoutOf('video', frame({ mimeType: 'video/VP8' })), bytes),
    );
    expect(layoutOf('video', frame())).toBe('vp8');
  });

  it('encrypts other codecs and all audio whole', () => {
    expect(layoutOf('video', frame({ mimeType: 'video/VP9' }))).toBe('opaque');
    expect(layoutOf('audio', frame({ mimeType: 'audio/opus' }))).toBe('opaque');
    expect(layoutOf('audio', frame())).toBe('opaque');
  });
});
