import type { Page } from 'playwright-core';

/** One reading in a call page: wall-clock time, the page's MLS epoch, frames decoded per remote participant's camera. */
export interface Sample {
  t: number;
  epoch: number | null;
  frames: Record<string, number>;
}

interface SamplerWindow {
  __rekeySampler?: { samples: Sample[]; timer: number };
  __parleyCall?: {
    inboundStats(): Promise<{ participantId: string; stream: string; kind: string; framesDecoded: number }[]>;
    snapshot(): { e2ee: { epoch: number | null } };
  };
}

/**
 * Starts reading getStats (through the call page's diagnostics) every `everyMs` inside the page, so the readings are
 * not paced by round trips to the test. A reading is skipped while the previous one is still pending.
 */
export async function startSampler(page: Page, everyMs = 100): Promise<void> {
  await page.evaluate((every) => {
    const w = window as unknown as SamplerWindow;
    if (w.__rekeySampler) return;
    const state = { samples: [] as Sample[], timer: 0 };
    let busy = false;
    state.timer = window.setInterval(async () => {
      const call = w.__parleyCall;
      if (busy || !call) return;
      busy = true;
      try {
        const stats = await call.inboundStats();
        const frames: Record<string, number> = {};
        for (const s of stats)
          if (s.kind === 'video' && s.stream === 'main')
            frames[s.participantId] = Math.max(frames[s.participantId] ?? 0, s.framesDecoded);
        state.samples.push({ t: Date.now(), epoch: call.snapshot().e2ee.epoch, frames });
      } catch {
        // The session is being torn down; the next tick tries again.
      } finally {
        busy = false;
      }
    }, every);
    w.__rekeySampler = state;
  }, everyMs);
}

/** Stops the sampler and returns its readings (none if the page was never sampled or has navigated away). */
export async function stopSampler(page: Page): Promise<Sample[]> {
  return page.evaluate(() => {
    const w = window as unknown as SamplerWindow;
    const s = w.__rekeySampler;
    if (!s) return [];
    clearInterval(s.timer);
    w.__rekeySampler = undefined;
    return s.samples;
  });
}

export interface Stall {
  /** Epoch before and after the change, as this viewer saw it. */
  from: number;
  to: number;
  /** When the viewer's page first reported the new epoch. */
  at: number;
  /** Longest time between two rises of framesDecoded from the last rise before the change up to the next change. */
  worstMs: number;
  /** Whether the count rose at any time after the change (false: the stream stayed black to the end). */
  recovered: boolean;
}

/**
 * For every epoch change a viewer saw, the longest stall of the stream of `participantId`, which was decoding before
 * the change. A stall still open when the next change comes is measured to the rise that ends it (even after that
 * change), so quick successive rekeys do not cut one stall into pieces that each look short.
 */
export function stallsAfterRekeys(samples: readonly Sample[], participantId: string): Stall[] {
  const rises: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!.frames[participantId] ?? 0;
    const now = samples[i]!.frames[participantId] ?? 0;
    if (now > prev) rises.push(samples[i]!.t);
  }
  const changes: { i: number; from: number; to: number }[] = [];
  for (let i = 1; i < samples.length; i++) {
    const from = samples[i - 1]!.epoch;
    const to = samples[i]!.epoch;
    if (from !== null && to !== null && to !== from) changes.push({ i, from, to });
  }
  const out: Stall[] = [];
  changes.forEach((c, k) => {
    const at = samples[c.i]!.t;
    if ((samples[c.i - 1]!.frames[participantId] ?? 0) === 0) return; // not decoding yet: not a continuing stream
    const until = changes[k + 1] ? samples[changes[k + 1]!.i]!.t : samples[samples.length - 1]!.t;
    const before = rises.filter((r) => r <= at);
    let last = before.length > 0 ? before[before.length - 1]! : samples[c.i - 1]!.t;
    let worst = 0;
    let recovered = false;
    for (const r of rises) {
      if (r <= at) continue;
      recovered = true;
      worst = Math.max(worst, r - last);
      last = r;
      if (r >= until) break;
    }
    // Still black at the end of the observation: the open gap is the stall.
    if (!recovered) worst = samples[samples.length - 1]!.t - last;
    out.push({ from: c.from, to: c.to, at, worstMs: worst, recovered });
  });
  return out;
}
