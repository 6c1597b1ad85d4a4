import { describe, expect, it } from 'vitest';
import { SFrameContext } from './context.js';
import { expectSFrameError, randomBytes } from './test-support/assert.js';

/** A hand-driven clock: grace periods are asserted on logical time, never on wall time. */
function fakeClock(start = 10_000) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Alice sends with one KID per epoch (KID = epoch, as in RFC 9605 §5.2 with a 0 sender index). */
async function epochSetup(epochGraceMs?: number) {
  const clock = fakeClock();
  const bob = new SFrameContext({ now: clock.now, ...(epochGraceMs === undefined ? {} : { epochGraceMs }) });
  const alice = new SFrameContext();
  const keys = new Map<number, Uint8Array>();
  async function enterEpoch(epoch: number): Promise<void> {
    const key = randomBytes(16);
    keys.set(epoch, key);
    await bob.addReceiverKey(epoch, key, { epoch });
    await alice.setSenderKey(epoch, key);
  }
  return { clock, alice, bob, keys, enterEpoch };
}

describe('SFrameContext epoch grace', () => {
  it('keeps the previous epoch decrypting for the grace period, then erases it', async () => {
    const { clock, alice, bob, enterEpoch } = await epochSetup();
    await enterEpoch(1);
    const inFlight = await Promise.all([alice.protect(Uint8Array.of(1)), alice.protect(Uint8Array.of(2))]);
    const late = await alice.protect(Uint8Array.of(3));
    expect(bob.currentEpoch).toBe(1n);

    clock.advance(5_000); // time within one epoch never expires keys
    await enterEpoch(2);
    expect(bob.currentEpoch).toBe(2n);
    await expect(bob.unprotect(inFlight[0] as Uint8Array)).resolves.toMatchObject({ epoch: 1n, kid: 1n });
    clock.advance(1_999);
    await expect(bob.unprotect(inFlight[1] as Uint8Array)).resolves.toMatchObject({ epoch: 1n });
    const current = await alice.protect(Uint8Array.of(4));
    await expect(bob.unprotect(current)).resolves.toMatchObject({ epoch: 2n, kid: 2n });

    clock.advance(1);
    expect(bob.hasReceiverKey(1)).toBe(false);
    await expectSFrameError(bob.unprotect(late), 'unknown_key');
    expect(bob.hasReceiverKey(2)).toBe(true);
    const next = await alice.protect(Uint8Array.of(5));
    await expect(bob.unprotect(next)).resolves.toMatchObject({ epoch: 2n });
  });

  it('erases on sweep() too, not only when a frame arrives', async () => {
    const { clock, bob, enterEpoch } = await epochSetup(500);
    await enterEpoch(1);
    await enterEpoch(2);
    clock.advance(500);
    bob.sweep();
    expect(bob.hasReceiverKey(1)).toBe(false);
    expect(bob.hasReceiverKey(2)).toBe(true);
  });

  it('starts each older epoch’s grace when it is superseded, not later', async () => {
    const { clock, bob, enterEpoch } = await epochSetup(1_000);
    await enterEpoch(1);
    clock.advance(600);
    await enterEpoch(2); // epoch 1 expires at +1600
    clock.advance(600);
    await enterEpoch(3); // epoch 2 expires at +2200; epoch 1 keeps +1600
    clock.advance(399);
    expect([bob.hasReceiverKey(1), bob.hasReceiverKey(2), bob.hasReceiverKey(3)]).toEqual([true, true, true]);
    clock.advance(1);
    expect([bob.hasReceiverKey(1), bob.hasReceiverKey(2), bob.hasReceiverKey(3)]).toEqual([false, true, true]);
    clock.advance(600);
    expect([bob.hasReceiverKey(1), bob.hasReceiverKey(2), bob.hasReceiverKey(3)]).toEqual([false, false, true]);
  });

  it('accepts a late key for a superseded epoch only while that epoch is in grace', async () => {
    const { clock, bob, enterEpoch } = await epochSetup();
    await enterEpoch(1);
    await enterEpoch(2);
    clock.advance(1_000);
    await bob.addReceiverKey(0x101, randomBytes(16), { epoch: 1 });
    expect(bob.hasReceiverKey(0x101)).toBe(true);
    clock.advance(1_000);
    expect(bob.hasReceiverKey(0x101)).toBe(false); // same deadline as the rest of epoch 1
    await expectSFrameError(bob.addReceiverKey(0x102, randomBytes(16), { epoch: 1 }), 'stale_epoch');
    await expectSFrameError(bob.addReceiverKey(0x103, randomBytes(16), { epoch: 0 }), 'stale_epoch');
    // Keys without an epoch join the current one.
    await bob.addReceiverKey(0x104, randomBytes(16));
    clock.advance(60_000);
    expect(bob.hasReceiverKey(0x104)).toBe(true);
  });

  it('with a zero grace period drops the old epoch at once', async () => {
    const { alice, bob, enterEpoch } = await epochSetup(0);
    await enterEpoch(1);
    const old = await alice.protect(Uint8Array.of(1));
    await enterEpoch(2);
    await expectSFrameError(bob.unprotect(old), 'unknown_key');
  });

  it('replaces a KID reused by a later epoch (RFC 9605 §5.2 epoch wrap) with a fresh replay window', async () => {
    const clock = fakeClock();
    const bob = new SFrameContext({ now: clock.now });
    const first = new SFrameContext();
    const second = new SFrameContext();
    const k1 = randomBytes(16);
    const k2 = randomBytes(16);
    await bob.addReceiverKey(7, k1, { epoch: 7 });
    await first.setSenderKey(7, k1);
    const oldFrame = await first.protect(Uint8Array.of(1));
    await bob.addReceiverKey(7, k2, { epoch: 23 }); // 23 mod 16 = 7
    await second.setSenderKey(7, k2);
    await expectSFrameError(bob.unprotect(oldFrame), 'authentication_failed');
    await expect(bob.unprotect(await second.protect(Uint8Array.of(2)))).resolves.toMatchObject({ ctr: 0n, epoch: 23n });
  });

  it('rejects a negative or non-finite grace period', () => {
    expect(() => new SFrameContext({ epochGraceMs: -1 })).toThrow(/epochGraceMs/);
    expect(() => new SFrameContext({ epochGraceMs: Number.POSITIVE_INFINITY })).toThrow(/epochGraceMs/);
  });
});
