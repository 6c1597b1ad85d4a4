import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PathUpdateHold } from './path-update-hold.js';

/** Whether `p` has settled, after the microtasks queued so far have run. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await vi.advanceTimersByTimeAsync(0);
  return done;
}

describe('PathUpdateHold: when a joiner sends its path update (docs/call-keys.md §5.3 item 6)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('holds the update until the first picture decodes', async () => {
    let picture!: () => void;
    const hold = new PathUpdateHold(new Promise((r) => (picture = r)), 3000);
    const due = hold.due();
    await vi.advanceTimersByTimeAsync(2900);
    expect(await settled(due)).toBe(false);
    picture();
    expect(await settled(due)).toBe(true);
  });

  it('sends it after the longest hold when no picture comes', async () => {
    const hold = new PathUpdateHold(new Promise(() => {}), 3000);
    const due = hold.due();
    await vi.advanceTimersByTimeAsync(2999);
    expect(await settled(due)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settled(due)).toBe(true);
  });

  it('lets it go at once when released, and holds nothing after that', async () => {
    const hold = new PathUpdateHold(new Promise(() => {}), 3000);
    const due = hold.due();
    hold.release();
    expect(await settled(due)).toBe(true);
    expect(await settled(hold.due())).toBe(true);
  });

  it('holds nothing when released before it was asked (another joiner was already waiting)', async () => {
    const hold = new PathUpdateHold(new Promise(() => {}), 3000);
    hold.release();
    expect(await settled(hold.due())).toBe(true);
  });
});
