// SFrame hot-path cost: protect + unprotect of a 1,200-byte frame with AES_128_GCM_SHA256_128, against raw
// WebCrypto AES-GCM seal + open of the same bytes in the same process. The ratio is what SFrame itself adds
// (header codec, nonce, AAD, copies, replay window) on top of the unavoidable AEAD work.
// Run: npm run bench -- sframe
import { AES_128_GCM_SHA256_128, SFrameContext } from '@parley/e2ee';
import type { BenchResult } from './types.js';

const FRAME_BYTES = 1200;
const WARMUP_FRAMES = 500;
/** Each timed round stops at whichever bound comes first. */
const ROUND_MAX_FRAMES = 20_000;
const ROUND_MAX_MS = 600;
/** Rounds alternate raw and SFrame so drift (CPU frequency, other load on a shared box) hits both alike. */
const ROUNDS = 5;

type Step = () => Promise<void>;

async function timeRound(step: Step): Promise<number> {
  const start = performance.now();
  let frames = 0;
  while (frames < ROUND_MAX_FRAMES && performance.now() - start < ROUND_MAX_MS) {
    await step();
    frames++;
  }
  return frames / ((performance.now() - start) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function rawAesGcmStep(plaintext: Uint8Array<ArrayBuffer>): Promise<Step> {
  const subtle = globalThis.crypto.subtle;
  const key = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt', 'decrypt']);
  const iv = new Uint8Array(12);
  const ivView = new DataView(iv.buffer);
  let counter = 0;
  return async () => {
    // A fresh nonce per frame, as any correct sender needs.
    ivView.setUint32(8, counter++);
    const sealed = await subtle.encrypt({ name: 'AES-GCM', iv }, key, plaintext);
    const opened = await subtle.decrypt({ name: 'AES-GCM', iv }, key, sealed);
    if (opened.byteLength !== plaintext.length) throw new Error('raw AES-GCM round trip failed');
  };
}

async function sframeStep(plaintext: Uint8Array<ArrayBuffer>): Promise<Step> {
  const baseKey = globalThis.crypto.getRandomValues(new Uint8Array(16));
  const sender = new SFrameContext({ cipherSuite: AES_128_GCM_SHA256_128 });
  const receiver = new SFrameContext({ cipherSuite: AES_128_GCM_SHA256_128 });
  await sender.setSenderKey(0x11, baseKey);
  await receiver.addReceiverKey(0x11, baseKey);
  return async () => {
    const sframe = await sender.protect(plaintext);
    const { plaintext: opened } = await receiver.unprotect(sframe);
    if (opened.length !== plaintext.length) throw new Error('SFrame round trip failed');
  };
}

export async function run(): Promise<BenchResult[]> {
  const plaintext = globalThis.crypto.getRandomValues(new Uint8Array(FRAME_BYTES));
  const raw = await rawAesGcmStep(plaintext);
  const sframe = await sframeStep(plaintext);
  for (let i = 0; i < WARMUP_FRAMES; i++) {
    await raw();
    await sframe();
  }
  const rawRates: number[] = [];
  const sframeRates: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    rawRates.push(await timeRound(raw));
    sframeRates.push(await timeRound(sframe));
  }
  const value = median(sframeRates);
  const baseline = median(rawRates);
  const result: BenchResult = {
    name: `SFrame protect+unprotect ${FRAME_BYTES} B frame (AES_128_GCM_SHA256_128)`,
    value: Math.round(value),
    baseline: Math.round(baseline),
    ratio: Number((value / baseline).toFixed(3)),
    unit: 'frames/s',
    target: '≥ 0.8',
  };
  console.log(
    `sframe: ${result.value} frames/s vs raw AES-GCM ${result.baseline} frames/s → ratio ${result.ratio} (target ${result.target})`,
  );
  return [result];
}
