import type { Page } from 'playwright-core';

/**
 * Instrumentation, not a feature of the app: records, in the page, every E2EE (SFrame) worker the page talks to,
 * which epochs' keys it handed that worker (numbers only, the key bytes are not copied), the latest participant → leaf
 * binding it sent, and the worker's latest counters (including why the latest frame of each participant failed). The
 * page itself exposes counters only through its state, without the failure reason; the reason is what tells "no key
 * for this epoch" apart from "not bound to this participant".
 */
export interface WorkerTap {
  keyEpochs: number[];
  /** What the worker reported as failed (a key message it could not install, say). */
  errors?: string[];
  participants: Record<string, number[]> | null;
  stats: {
    encrypted: number;
    receivers: Record<
      string,
      { decrypted: number; failed: number; lastError: string | null; lastEpoch: number | null; failingSince: number }
    >;
  } | null;
}

interface TapWindow {
  __rekeyTap?: WorkerTap & { workers: Worker[] };
}

/**
 * The tap itself, self-contained so it can run in a page now (Playwright) or in every new document before the app's
 * scripts (puppeteer's evaluateOnNewDocument, in Firefox).
 */
export function workerTapScript(): void {
  const w = window as unknown as TapWindow;
  if (w.__rekeyTap) return;
  const tap: WorkerTap & { workers: Worker[] } = { workers: [], keyEpochs: [], participants: null, stats: null };
  w.__rekeyTap = tap;
  const post = Worker.prototype.postMessage as (this: Worker, message: unknown, ...rest: unknown[]) => void;
  // The E2EE worker is told by what it is sent; the page's MLS worker (joins from Welcomes) is not tapped.
  const sframeTypes = ['keys', 'participants', 'attach', 'rebind', 'close'];
  Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
    const type = (message as { type?: unknown } | null)?.type;
    if (typeof type !== 'string' || !sframeTypes.includes(type)) return post.call(this, message, ...rest);
    if (!tap.workers.includes(this)) {
      tap.workers.push(this);
      this.addEventListener('message', (event: MessageEvent) => {
        const data = event.data as { type?: string } | null;
        if (data?.type === 'stats') tap.stats = data as unknown as WorkerTap['stats'];
        if (data?.type === 'error')
          tap.errors = [...(tap.errors ?? []), String((data as { message?: unknown }).message)];
      });
    }
    const m = message as { type?: string; epoch?: bigint; leaves?: Record<string, number[]> } | null;
    if (m?.type === 'keys') tap.keyEpochs.push(Number(m.epoch));
    if (m?.type === 'participants' && m.leaves) tap.participants = structuredClone(m.leaves);
    post.call(this, message, ...rest);
  } as typeof Worker.prototype.postMessage;
}

/** Installs the tap; call before the page creates its E2EE layer (the worker is found on its first message). */
export async function installWorkerTap(page: Page): Promise<void> {
  await page.evaluate(workerTapScript);
}

export async function readWorkerTap(page: Pick<Page, 'evaluate'>): Promise<WorkerTap> {
  return page.evaluate(() => {
    const tap = (window as unknown as TapWindow).__rekeyTap;
    if (!tap) throw new Error('worker tap not installed');
    return {
      keyEpochs: [...tap.keyEpochs],
      errors: tap.errors ?? [],
      participants: tap.participants,
      stats: tap.stats,
    };
  });
}

/**
 * Sends `leaves` to the page's (single) E2EE worker as its participant binding: a removed member who keeps its old
 * state keeps the binding it had, whatever its page would do on removal. Keys are untouched.
 */
export async function rebindWorker(page: Pick<Page, 'evaluate'>, leaves: Record<string, number[]>): Promise<number> {
  return page.evaluate((l) => {
    const tap = (window as unknown as TapWindow).__rekeyTap;
    if (!tap) throw new Error('worker tap not installed');
    for (const worker of tap.workers) worker.postMessage({ type: 'participants', leaves: l });
    return tap.workers.length;
  }, leaves);
}
