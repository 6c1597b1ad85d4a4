import { callLockName } from '../e2ee/support';

type Message = { type: 'move' };

/**
 * One tab of a browser takes part in a call at a time: the tabs share the E2EE device and its stored MLS state, and
 * the server keeps one place per person. A tab that opens a call already running in another tab asks before taking
 * it over; the tab in the call lets go (without leaving, so the new tab resumes its place) when asked.
 */
export class TabHandover {
  private readonly lock: string;
  private readonly channel: BroadcastChannel | null;

  constructor(meetingId: string, userId: string) {
    this.lock = callLockName(meetingId, userId);
    this.channel =
      typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(`parley-call-tab:${meetingId}:${userId}`);
  }

  /** Whether another tab of this browser is in the call now (it holds the call's lock). */
  async elsewhere(): Promise<boolean> {
    const locks = navigator.locks;
    if (!locks) return false;
    const { held = [] } = await locks.query();
    return held.some((l) => l.name === this.lock);
  }

  /** Asks the tab in the call to let go of it; true once it has (false if it did not within `timeoutMs`). */
  async takeOver(timeoutMs = 10_000): Promise<boolean> {
    const locks = navigator.locks;
    this.channel?.postMessage({ type: 'move' } satisfies Message);
    if (!locks) return true;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), timeoutMs);
    try {
      // Granted once the other tab released the lock; released again at once, for this tab's call to take.
      await locks.request(this.lock, { signal: stop.signal }, async () => undefined);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  /** In the tab that holds the call: `cb` runs when another tab takes it over. */
  onTakeOver(cb: () => void): () => void {
    const channel = this.channel;
    if (!channel) return () => {};
    const on = (e: MessageEvent<Message>) => {
      if (e.data?.type === 'move') cb();
    };
    channel.addEventListener('message', on);
    return () => channel.removeEventListener('message', on);
  }

  close(): void {
    this.channel?.close();
  }
}
