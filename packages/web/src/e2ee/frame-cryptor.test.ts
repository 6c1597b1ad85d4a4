import { kidFor } from '@parley/e2ee';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearPrefixLength, FrameCryptor } from './frame-cryptor.js';
import type { EpochKeysMessage } from './worker-protocol.js';

const E = 4;
const baseKeys = new Map<bigint, Uint8Array>();
const baseKey = (epoch: bigint) => {
  if (!baseKeys.has(epoch)) baseKeys.set(epoch, crypto.getRandomValues(new Uint8Array(16)));
  return baseKeys.get(epoch)!;
};
/** The keys message a member at `own` gets for a two-member epoch (leaves 0 and 1), as the page would send it. */
const keys = (own: number, epoch: bigint, switchAfterMs = 0, key = baseKey(epoch)): EpochKeysMessage => ({
  type: 'keys',
  epoch,
  epochBits: E,
  baseKey: key.slice().buffer,
  ownKid: kidFor(own, epoch, E),
  receivers: [{ kid: kidFor(1 - own, epoch, E), leafIndex: 1 - own }],
  switchAfterMs,
});
/** A VP8 key frame starts with a frame tag whose lowest bit is 0; a delta frame's is 1. */
const vp8 = (key: boolean, size = 200) => {
  const f = crypto.getRandomValues(new Uint8Array(size));
  f[0] = key ? f[0]! & 0xfe : f[0]! | 0x01;
  return f;
};
const bytes = (b: ArrayBuffer | null) => new Uint8Array(b!);

describe('FrameCryptor', () => {
  let clock = 0;
  const pair = async () => {
    const a = new FrameCryptor({ now: () => clock });
    const b = new FrameCryptor({ now: () => clock });
    await a.setKeys(keys(0, 0n));
    await b.setKeys(keys(1, 0n));
    b.setParticipants({ alice: [0] });
    return { a, b };
  };
  afterEach(() => {
    vi.useRealTimers();
    clock = 0;
  });

  it('drops every frame until a key is installed: nothing is ever sent in clear', async () => {
    const c = new FrameCryptor();
    expect(await c.encrypt(vp8(true).buffer, 'vp8')).toBeNull();
    expect(await c.encrypt(new Uint8Array([1, 2, 3]).buffer)).toBeNull();
    expect(c.stats()).toMatchObject({ encrypted: 0, droppedNoKey: 2 });
  });

  it('round-trips audio whole and VP8 with only its payload header in clear', async () => {
    const { a, b } = await pair();
    const audio = crypto.getRandomValues(new Uint8Array(80));
    const sealed = bytes(await a.encrypt(audio.slice().buffer));
    expect(sealed.length).toBeGreaterThan(audio.length);
    expect(bytes(await b.decrypt(sealed.slice().buffer, 'alice'))).toEqual(audio);

    for (const key of [true, false]) {
      const frame = vp8(key);
      const clear = clearPrefixLength('vp8', frame);
      expect(clear).toBe(key ? 10 : 3);
      const out = bytes(await a.encrypt(frame.slice().buffer, 'vp8'));
      // Key-frame bit, version and show-frame bit (and a key frame's dimensions) stay readable for the depacketiser;
      // the first-partition size is saturated, so a decoder without the key rejects the frame as truncated.
      expect(out[0]! & 0x1f).toBe(frame[0]! & 0x1f);
      expect(((out[0]! >> 5) | (out[1]! << 3) | (out[2]! << 11)) & 0x7ffff).toBe(0x7ffff);
      expect(out.subarray(3, clear)).toEqual(frame.subarray(3, clear));
      expect(out.subarray(clear, clear + 20)).not.toEqual(frame.subarray(clear, clear + 20));
      expect(bytes(await b.decrypt(out.slice().buffer, 'alice', 'vp8'))).toEqual(frame);
    }
    expect(b.stats().receivers.alice).toMatchObject({ decrypted: 3, failed: 0, lastEpoch: 0 });
  });

  it('refuses a changed clear header, a wrong key, and a frame on another participant’s stream', async () => {
    const { a, b } = await pair();
    const out = bytes(await a.encrypt(vp8(false).buffer, 'vp8'));
    const tampered = out.slice();
    tampered[1]! ^= 0x40;
    expect(await b.decrypt(tampered.buffer, 'alice', 'vp8')).toBeNull();

    const stranger = new FrameCryptor();
    await stranger.setKeys(keys(1, 0n, 0, crypto.getRandomValues(new Uint8Array(16))));
    stranger.setParticipants({ alice: [0] });
    expect(await stranger.decrypt(out.slice().buffer, 'alice', 'vp8')).toBeNull();
    expect(stranger.stats().receivers.alice).toMatchObject({ decrypted: 0, failed: 1 });

    b.setParticipants({ alice: [0], bob: [1] });
    const next = bytes(await a.encrypt(vp8(false).buffer, 'vp8'));
    expect(await b.decrypt(next.slice().buffer, 'bob', 'vp8')).toBeNull();
    expect(b.stats().receivers.bob).toMatchObject({ lastError: 'wrong-sender', failingSince: 1 });
    expect(await b.decrypt(next.slice().buffer, 'carol', 'vp8')).toBeNull();
    expect(b.stats().receivers.carol?.lastError).toBe('no-participant');
  });

  it('keeps sending under the old key for the switch delay; old receive keys last for the grace period', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { a, b } = await pair();
    await b.setKeys(keys(1, 1n));
    await a.setKeys(keys(0, 1n, 300));
    // Still epoch 0 at the sender: the receivers get time to install epoch 1.
    await b.decrypt((await a.encrypt(vp8(false).buffer, 'vp8'))!, 'alice', 'vp8');
    expect(b.stats().receivers.alice?.lastEpoch).toBe(0);
    await vi.advanceTimersByTimeAsync(300);
    expect(a.senderEpoch).toBe(1n);
    await b.decrypt((await a.encrypt(vp8(false).buffer, 'vp8'))!, 'alice', 'vp8');
    expect(b.stats().receivers.alice).toMatchObject({ lastEpoch: 1, failed: 0 });

    // An epoch-1 frame still in flight decrypts during the grace period after epoch 2, not after it.
    const late = (await a.encrypt(vp8(false).buffer, 'vp8'))!;
    const later = (await a.encrypt(vp8(false).buffer, 'vp8'))!;
    await b.setKeys(keys(1, 2n));
    expect(await b.decrypt(late, 'alice', 'vp8')).not.toBeNull();
    clock += 2001;
    expect(await b.decrypt(later, 'alice', 'vp8')).toBeNull();
    expect(b.stats().receivers.alice?.lastError).toBe('unknown_key');
  });

  it('switches at once after a removal, and never goes back to an older epoch', async () => {
    const { a } = await pair();
    await a.setKeys(keys(0, 1n, 0));
    expect(a.senderEpoch).toBe(1n);
    await a.setKeys(keys(0, 0n, 0));
    expect(a.senderEpoch).toBe(1n);
  });
});
