import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SFrameContext } from './context.js';
import { decryptFrame } from './frame.js';
import { decodeHeader, encodeHeader } from './header.js';
import { listCipherSuites } from './suites.js';
import { expectSFrameError, randomBytes } from './test-support/assert.js';

const ALICE_KID = 0x21n;

async function pair(options: ConstructorParameters<typeof SFrameContext>[0] = {}) {
  const baseKey = randomBytes(16);
  const alice = new SFrameContext(options);
  const bob = new SFrameContext(options);
  await alice.setSenderKey(ALICE_KID, baseKey);
  await bob.addReceiverKey(ALICE_KID, baseKey);
  return { alice, bob, baseKey };
}

describe('SFrameContext protect/unprotect', () => {
  it.each(listCipherSuites().map((s) => [s.name, s.id] as const))('round-trips with %s', async (_name, cipherSuite) => {
    const { alice, bob, baseKey } = await pair({ cipherSuite });
    const metadata = Uint8Array.of(1, 2, 3);
    const plaintext = randomBytes(1200);
    const sframe = await alice.protect(plaintext, metadata);
    // Interoperates with the stateless API: it is plain RFC 9605 on the wire.
    const viaApi = await decryptFrame({ cipherSuite, baseKey, metadata, sframe });
    expect(viaApi.plaintext).toEqual(plaintext);
    const opened = await bob.unprotect(sframe, metadata);
    expect(opened).toEqual({ kid: ALICE_KID, ctr: 0n, epoch: 0n, plaintext });
  });

  it('defaults to AES_128_GCM_SHA256_128, a 1024-CTR window and a 2 s grace', () => {
    const ctx = new SFrameContext();
    expect(ctx.cipherSuite).toBe(0x0004);
    expect(ctx.replayWindowSize).toBe(1024);
    expect(ctx.epochGraceMs).toBe(2000);
  });

  it('rejects tampering, truncation, wrong metadata and wrong keys without poisoning state', async () => {
    const { alice, bob } = await pair();
    const sframe = await alice.protect(randomBytes(64), Uint8Array.of(9));
    for (let i = 0; i < sframe.length; i++) {
      const tampered = new Uint8Array(sframe);
      tampered[i] = (tampered[i] ?? 0) ^ 0x04;
      await expectSFrameError(bob.unprotect(tampered, Uint8Array.of(9)), [
        'authentication_failed',
        'malformed_header',
        'truncated',
        'unknown_key',
      ]);
    }
    for (let length = 0; length < sframe.length; length++) {
      await expectSFrameError(bob.unprotect(sframe.slice(0, length), Uint8Array.of(9)), [
        'authentication_failed',
        'truncated',
      ]);
    }
    await expectSFrameError(bob.unprotect(sframe), 'authentication_failed');
    const mallory = new SFrameContext();
    await mallory.addReceiverKey(ALICE_KID, randomBytes(16));
    await expectSFrameError(mallory.unprotect(sframe, Uint8Array.of(9)), 'authentication_failed');
    // None of the failures consumed the CTR: the genuine frame still decrypts, once.
    await expect(bob.unprotect(sframe, Uint8Array.of(9))).resolves.toMatchObject({ ctr: 0n });
    await expectSFrameError(bob.unprotect(sframe, Uint8Array.of(9)), 'replay');
  });

  it('reports unknown KIDs, and removed keys, as unknown_key', async () => {
    const { alice, bob } = await pair();
    const other = new SFrameContext();
    await other.setSenderKey(0x99, randomBytes(16));
    await expectSFrameError(bob.unprotect(await other.protect(randomBytes(8))), 'unknown_key');
    expect(bob.hasReceiverKey(ALICE_KID)).toBe(true);
    expect(bob.removeReceiverKey(ALICE_KID)).toBe(true);
    expect(bob.hasReceiverKey(ALICE_KID)).toBe(false);
    await expectSFrameError(bob.unprotect(await alice.protect(randomBytes(8))), 'unknown_key');
  });
});

describe('SFrameContext sender counter', () => {
  it('starts at 0 and increases by one per frame, also under concurrency', async () => {
    const { alice } = await pair();
    const sequential: bigint[] = [];
    for (let i = 0; i < 10; i++) sequential.push(decodeHeader(await alice.protect(randomBytes(10))).ctr);
    expect(sequential).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    const concurrent = await Promise.all(Array.from({ length: 200 }, () => alice.protect(randomBytes(10))));
    const ctrs = concurrent.map((f) => decodeHeader(f).ctr);
    expect(new Set(ctrs).size).toBe(200);
    expect(ctrs).toEqual(Array.from({ length: 200 }, (_, i) => BigInt(i + 10)));
  });

  it('never restarts a KID: re-installing (even the same key) continues its counter', async () => {
    const { alice, baseKey } = await pair();
    for (let i = 0; i < 3; i++) await alice.protect(randomBytes(4));
    await alice.setSenderKey(ALICE_KID, baseKey);
    expect(decodeHeader(await alice.protect(randomBytes(4))).ctr).toBe(3n);
    await alice.setSenderKey(0x22, randomBytes(16));
    expect(alice.senderKid).toBe(0x22n);
    expect(decodeHeader(await alice.protect(randomBytes(4)))).toMatchObject({ kid: 0x22n, ctr: 0n });
    await alice.setSenderKey(ALICE_KID, randomBytes(16));
    expect(decodeHeader(await alice.protect(randomBytes(4)))).toMatchObject({ kid: ALICE_KID, ctr: 4n });
  });

  it('refuses to encrypt once the counter is exhausted, until a new KID is installed', async () => {
    const { alice } = await pair({ maxCounter: 2 });
    for (let i = 0; i < 3; i++) await alice.protect(randomBytes(4));
    await expectSFrameError(alice.protect(randomBytes(4)), 'counter_exhausted');
    await expectSFrameError(alice.protect(randomBytes(4)), 'counter_exhausted');
    await alice.setSenderKey(ALICE_KID, randomBytes(16));
    await expectSFrameError(alice.protect(randomBytes(4)), 'counter_exhausted');
    await alice.setSenderKey(0x30, randomBytes(16));
    expect(decodeHeader(await alice.protect(randomBytes(4))).ctr).toBe(0n);
  });

  it('validates maxCounter and refuses protect without a sender key', async () => {
    expect(() => new SFrameContext({ maxCounter: 1n << 64n })).toThrow(/maxCounter/);
    expect(() => new SFrameContext({ maxCounter: (1n << 64n) - 1n })).not.toThrow();
    await expectSFrameError(new SFrameContext().protect(randomBytes(4)), 'no_sender_key');
  });
});

describe('SFrameContext key separation and secrecy', () => {
  it('never uses one KID for both directions (RFC 9605 §4.4.1)', async () => {
    const ctx = new SFrameContext();
    await ctx.setSenderKey(1, randomBytes(16));
    await expectSFrameError(ctx.addReceiverKey(1, randomBytes(16)), 'key_usage');
    await ctx.addReceiverKey(2, randomBytes(16));
    await expectSFrameError(ctx.setSenderKey(2, randomBytes(16)), 'key_usage');
  });

  it('exposes no key material', async () => {
    const baseKey = randomBytes(16);
    const ctx = new SFrameContext();
    await ctx.setSenderKey(1, baseKey);
    await ctx.addReceiverKey(2, baseKey);
    expect(Reflect.ownKeys(ctx).sort()).toEqual(['cipherSuite', 'epochGraceMs', 'replayWindowSize']);
    const hexKey = Buffer.from(baseKey).toString('hex');
    expect(JSON.stringify(ctx)).not.toContain(hexKey);
    expect(inspect(ctx, { depth: 10, showHidden: true })).not.toMatch(/CryptoKey|Uint8Array/);
  });

  it('drops every key on close()', async () => {
    const { alice, bob } = await pair();
    const sframe = await alice.protect(randomBytes(8));
    alice.close();
    bob.close();
    await expectSFrameError(alice.protect(randomBytes(8)), 'no_sender_key');
    await expectSFrameError(bob.unprotect(sframe), 'unknown_key');
    await expectSFrameError(bob.addReceiverKey(ALICE_KID, randomBytes(16)), 'invalid_argument');
  });
});

describe('SFrameContext replay protection', () => {
  it('accepts reordered frames once, rejects duplicates and frames behind the window', async () => {
    const { alice, bob } = await pair({ replayWindow: 32 });
    const frames: Uint8Array[] = [];
    for (let i = 0; i < 40; i++) frames.push(await alice.protect(Uint8Array.of(i)));
    const order = [3, 1, 2, 0, 39, 10, 8];
    for (const i of order)
      await expect(bob.unprotect(frames[i] as Uint8Array)).resolves.toMatchObject({ ctr: BigInt(i) });
    for (const i of order) await expectSFrameError(bob.unprotect(frames[i] as Uint8Array), 'replay');
    // 39 - 7 = 32: CTR 7 fell out of the window, CTR 9 did not.
    await expectSFrameError(bob.unprotect(frames[7] as Uint8Array), 'replay');
    await expect(bob.unprotect(frames[9] as Uint8Array)).resolves.toMatchObject({ ctr: 9n });
  });

  it('lets exactly one of several concurrent copies of a frame through', async () => {
    const { alice, bob } = await pair();
    const sframe = await alice.protect(randomBytes(100));
    const results = await Promise.allSettled([bob.unprotect(sframe), bob.unprotect(sframe), bob.unprotect(sframe)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('does not let a forged frame with a huge CTR slide the window', async () => {
    const { alice, bob } = await pair({ replayWindow: 32 });
    const genuine = await alice.protect(randomBytes(8));
    // An attacker without the key sends Alice's KID with a far-ahead CTR and a random body.
    const forged = new Uint8Array([...encodeHeader(ALICE_KID, 1n << 40n), ...randomBytes(8 + 16)]);
    await expectSFrameError(bob.unprotect(forged), 'authentication_failed');
    await expect(bob.unprotect(genuine)).resolves.toMatchObject({ ctr: 0n });
  });
});
