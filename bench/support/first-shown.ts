import type { Page } from 'playwright-core';
import { until } from './chromium.js';

// When the first remote video frame reaches the screen, by the page's own compositor: a video element that gets a
// remote stream (a track with no capture device) is watched with requestVideoFrameCallback, whose metadata says when
// the frame was handed over for display. Unlike a getStats poll on the page's main thread, that instant does not
// move when the main thread is busy and the callback runs late. Both the Parley page and the bare page get it.

/** Installs `window.__shown.at`: the first remote frame's presentation time (performance.now() clock), or null. */
export const SHOWN_PROBE = `(() => {
  if (window.__shown) return;
  const shown = (window.__shown = { at: null });
  const own = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  const remote = (s) => s instanceof MediaStream && s.getVideoTracks().some((t) => !t.getSettings().groupId);
  const watched = new WeakSet();
  const watch = (el) => {
    if (watched.has(el) || !el.requestVideoFrameCallback) return;
    watched.add(el);
    el.requestVideoFrameCallback((_now, meta) => {
      if (shown.at === null || meta.presentationTime < shown.at) shown.at = meta.presentationTime;
    });
  };
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...own,
    set(value) {
      own.set.call(this, value);
      if (remote(value)) watch(this);
    },
  });
})()`;

/** Click → the first remote frame on screen, once a frame has decoded; null if none shows within 10 s. */
export function shownSince(page: Page, clickAt: string): Promise<number | null> {
  return until(
    'the first remote frame on screen',
    async () =>
      ((await page.evaluate(`window.__shown.at === null ? null : window.__shown.at - ${clickAt}`)) as number | null) ??
      undefined,
    10_000,
  ).catch(() => null);
}
