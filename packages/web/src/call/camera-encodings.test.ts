import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CameraEncodings, LAYER_STOP_DELAY_MS } from './camera-encodings';

/** An RTCRtpSender's parameter surface, as the browser keeps it for a camera sent in three layers. */
function sender() {
  const encodings = [
    { rid: 'h', active: true },
    { rid: 'm', active: true },
    { rid: 'l', active: true },
  ];
  const calls: string[][] = [];
  const io = { reads: 0, refuse: false };
  const s = {
    getParameters: () => {
      io.reads++;
      return { encodings: encodings.map((e) => ({ ...e })) };
    },
    setParameters: async (p: { encodings: { rid: string; active: boolean }[] }) => {
      if (io.refuse) throw new Error('InvalidStateError');
      for (const [i, e] of p.encodings.entries()) encodings[i]!.active = e.active;
      calls.push(active());
    },
  };
  const active = () => encodings.filter((e) => e.active).map((e) => e.rid);
  return { s: s as unknown as RTCRtpSender, active, calls, io };
}

describe('layers on demand: the camera encodes what someone receives', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('layers no one was receiving stop at once; every layer goes out until the server first says', async () => {
    const { s, active } = sender();
    const enc = new CameraEncodings(() => s);
    expect(active()).toEqual(['h', 'm', 'l']);
    await enc.received([0, 1]);
    expect(active()).toEqual(['m', 'l']);
  });

  it('a layer someone starts receiving starts at once; one its receivers leave stops after the delay, not before', async () => {
    const { s, active } = sender();
    const enc = new CameraEncodings(() => s);
    await enc.received([0, 1]);
    await enc.received([0, 1, 2]);
    expect(active()).toEqual(['h', 'm', 'l']);
    await enc.received([0, 2]);
    expect(active()).toEqual(['h', 'm', 'l']);
    await vi.advanceTimersByTimeAsync(LAYER_STOP_DELAY_MS - 10);
    expect(active()).toEqual(['h', 'm', 'l']);
    await vi.advanceTimersByTimeAsync(20);
    expect(active()).toEqual(['h', 'l']);
  });

  it('a layer wanted again before the delay runs out never stops', async () => {
    const { s, active, calls } = sender();
    const enc = new CameraEncodings(() => s);
    await enc.received([0, 1, 2]);
    await enc.received([0, 1]);
    await vi.advanceTimersByTimeAsync(LAYER_STOP_DELAY_MS / 2);
    await enc.received([0, 1, 2]);
    await vi.advanceTimersByTimeAsync(LAYER_STOP_DELAY_MS * 2);
    expect(active()).toEqual(['h', 'm', 'l']);
    expect(calls).toEqual([]);
  });

  it('a demand that changes nothing does not touch the sender; one the sender refused is tried again', async () => {
    const { s, active, io } = sender();
    const enc = new CameraEncodings(() => s);
    await enc.received([0, 1]);
    expect(io.reads).toBe(1);
    await enc.received([0, 1]);
    await enc.received([1, 0]);
    expect(io.reads).toBe(1);
    io.refuse = true;
    await enc.received([0]);
    expect(active()).toEqual(['m', 'l']);
    await vi.advanceTimersByTimeAsync(LAYER_STOP_DELAY_MS);
    io.refuse = false;
    await enc.received([0]);
    expect(active()).toEqual(['l']);
  });

  it("applies the demand again once the SFU's answer turned every layer back on", async () => {
    const { s, active, io } = sender();
    const enc = new CameraEncodings(() => s);
    await enc.received([0, 1]);
    expect(active()).toEqual(['m', 'l']);
    // What the browser does as it sets an answer that pauses no layer.
    (s as unknown as { setParameters(p: unknown): Promise<void> }).setParameters({
      encodings: ['h', 'm', 'l'].map((rid) => ({ rid, active: true })),
    });
    expect(active()).toEqual(['h', 'm', 'l']);
    await enc.renegotiated();
    expect(io.reads).toBe(2);
    expect(active()).toEqual(['m', 'l']);
  });

  it('no sender (closed, or not built yet): nothing fails, and closing drops a pending stop', async () => {
    const enc = new CameraEncodings(() => null);
    await expect(enc.received([0])).resolves.toBeUndefined();
    const { s, active } = sender();
    const later = new CameraEncodings(() => s);
    await later.received([0, 1, 2]);
    await later.received([0]);
    later.close();
    await vi.advanceTimersByTimeAsync(LAYER_STOP_DELAY_MS * 2);
    expect(active()).toEqual(['h', 'm', 'l']);
  });
});
