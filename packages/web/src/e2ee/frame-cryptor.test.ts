import { decodeHeader, kidFor } from '@parley/e2ee';
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
const keys = (own: number, epoch: bigint, key = baseKey(epoch)): EpochKeysMessage => ({
  type: 'keys',
  epoch,
  epochBits: E,
  baseKey: key.slice().buffer,
  ownKid: kidFor(own, epoch, E),
  receivers: [{ kid: kidFor(1 - own, epoch, E), leafIndex: 1 - own }],
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

  it('shares one counter per key across tracks: a microphone and an interpretation channel never reuse a nonce', async () => {
    const { a, b } = await pair();
    // Two audio tracks of one device sealing at once (docs/call-keys.md §13): every frame gets its own counter.
    const frames = Array.from({ length: 40 }, () => crypto.getRandomValues(new Uint8Array(60)));
    const sealed = (await Promise.all(frames.map((f) => a.encrypt(f.slice().buffer)))).map(bytes);
    const ctrs = sealed.map((f) => decodeHeader(f).ctr);
    expect(new Set(ctrs).size).toBe(frames.length);
    expect(new Set(sealed.map((f) => decodeHeader(f).kid)).size).toBe(1);
    // And the receiver decrypts the interleaved frames of both tracks under the one KID.
    for (const [i, f] of sealed.entries()) expect(bytes(await b.decrypt(f.slice().buffer, 'alice'))).toEqual(frames[i]);
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
    await stranger.setKeys(keys(1, 0n, crypto.getRandomValues(new Uint8Array(16))));
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

  it('switches at once; a receiver still without the new keys holds the frame until they come', async () => {
    const { a, b } = await pair();
    await a.setKeys(keys(0, 1n));
    expect(a.senderEpoch).toBe(1n);
    const ahead = (await a.encrypt(vp8(true).buffer, 'vp8'))!;
    const next = (await a.encrypt(vp8(false).buffer, 'vp8'))!;
    // B has not processed the commit yet: the frame waits instead of failing, and decrypts once epoch 1 is in.
    const held = b.decrypt(ahead, 'alice', 'vp8');
    await new Promise((r) => setTimeout(r, 20));
    expect(b.stats().receivers.alice?.decrypted ?? 0).toBe(0);
    await b.setKeys(keys(1, 1n));
    expect(await held).not.toBeNull();
    expect(await b.decrypt(next, 'alice', 'vp8')).not.toBeNull();
    expect(b.stats().receivers.alice).toMatchObject({ decrypted: 2, failed: 0, lastEpoch: 1 });
  });

  it('waits only so long, and not again for an epoch that did not come; old epochs are not waited for', async () => {
    const a = new FrameCryptor({ now: () => clock });
    const b = new FrameCryptor({ now: () => clock, keyWaitMs: 30 });
    await a.setKeys(keys(0, 0n));
    await b.setKeys(keys(1, 0n));
    b.setParticipants({ alice: [0] });
    await a.setKeys(keys(0, 1n));
    const started = performance.now();
    expect(await b.decrypt((await a.encrypt(vp8(false).buffer, 'vp8'))!, 'alice', 'vp8')).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    // The same epoch again fails at once (a removed member must not lag behind every frame it cannot read).
    const again = b.decrypt((await a.encrypt(vp8(false).buffer, 'vp8'))!, 'alice', 'vp8');
    const first = await Promise.race([again, new Promise((r) => setTimeout(() => r('waiting'), 20))]);
    expect(first).toBeNull();
    expect(b.stats().receivers.alice).toMatchObject({ failed: 2, lastError: 'unknown_key' });

    // A frame of an epoch far behind (or unrelated) is refused at once.
    const old = new FrameCryptor();
    await old.setKeys(keys(0, 9n));
    await b.setKeys(keys(1, 12n));
    const stale = b.decrypt((await old.encrypt(vp8(false).buffer, 'vp8'))!, 'alice', 'vp8');
    expect(await Promise.race([stale, new Promise((r) => setTimeout(() => r('waiting'), 20))])).toBeNull();
  });

  it('a joiner holds the first frames until its Welcome’s keys are in', async () => {
    const a = new FrameCryptor();
    await a.setKeys(keys(0, 3n));
    const joiner = new FrameCryptor();
    joiner.setParticipants({ alice: [0] });
    const first = joiner.decrypt((await a.encrypt(vp8(true).buffer, 'vp8'))!, 'alice', 'vp8');
    await joiner.setKeys(keys(1, 3n));
    expect(await first).not.toBeNull();
  });

  it('a joiner holds a frame that comes before both its keys and the sender’s leaves, then decrypts it', async () => {
    const a = new FrameCryptor();
    await a.setKeys(keys(0, 3n));
    const joiner = new FrameCryptor();
    const first = joiner.decrypt((await a.encrypt(vp8(true).buffer, 'vp8'))!, 'alice', 'vp8');
    // As the page sends them: the epoch's keys, then who carries which leaf.
    const installing = joiner.setKeys(keys(1, 3n));
    joiner.setParticipants({ alice: [0] });
    await installing;
    expect(await first).not.toBeNull();
    expect(joiner.stats().receivers.alice).toMatchObject({ decrypted: 1, failed: 0 });
    // With keys in, a stream nobody bound is refused at once: the wait is for the first keys only.
    const stray = joiner.decrypt((await a.encrypt(vp8(true).buffer, 'vp8'))!, 'mallory', 'vp8');
    expect(await Promise.race([stray, new Promise((r) => setTimeout(() => r('waiting'), 20))])).toBeNull();
    expect(joiner.stats().receivers.mallory?.lastError).toBe('no-participant');
  });

  it('old receive keys last for the grace period', async () => {
    const { a, b } = await pair();
    await a.setKeys(keys(0, 1n));
    await b.setKeys(keys(1, 1n));
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
    await a.setKeys(keys(0, 1n));
    expect(a.senderEpoch).toBe(1n);
    await a.setKeys(keys(0, 0n));
    expect(a.senderEpoch).toBe(1n);
  });
});
