import { mlsContext } from '@parley/protocol';
import { useSyncExternalStore } from 'react';
import { CallE2ee } from '../e2ee/call-e2ee';
import { CallSession } from './session';

const OVER = new Set(['ended', 'left', 'removed', 'denied', 'error', 'moved']);

/**
 * Stepping out to the side's caucus and back (docs/call-keys.md §12). The caucus is a call of its own: its own
 * session, signalling, Janus room and `CallE2ee` keyed by its own MLS context. Meanwhile the plenary session only
 * pauses its media: it stays in the plenary and its MLS group, so coming back is one join of media, not of keys.
 */
export class CaucusController {
  #session: CallSession | null = null;
  #busy = false;
  #listeners = new Set<() => void>();
  #off: () => void = () => {};

  constructor(
    readonly plenary: CallSession,
    readonly userId: string,
  ) {
    // Leaving (or losing) the plenary takes the person out of the caucus too; the server has done the same.
    plenary.subscribe(() => {
      if (this.#session && OVER.has(plenary.snapshot().phase)) void this.back();
    });
  }

  get session(): CallSession | null {
    return this.#session;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** Steps out to the side's open caucus with the same camera and microphone. */
  async stepOut(): Promise<void> {
    const caucus = this.plenary.snapshot().caucus;
    if (!caucus || this.#session || this.#busy) return;
    this.#busy = true;
    try {
      const { meetingId } = this.plenary;
      const context = mlsContext({ kind: 'caucus-call', meetingId, sideId: caucus.sideId });
      const session = new CallSession(
        meetingId,
        new CallE2ee({ meetingId, userId: this.userId, context }),
        caucus.caucusId,
      );
      this.#session = session;
      (window as { __parleyCaucus?: CallSession }).__parleyCaucus = session;
      this.#off = session.subscribe(() => {
        if (OVER.has(session.snapshot().phase)) void this.back();
      });
      this.#emit();
      const { local, audio, video } = this.plenary.snapshot();
      await this.plenary.pause();
      // Clones, so that closing the caucus's session never stops the plenary's camera and microphone.
      const tracks = new MediaStream(local?.getTracks().map((t) => t.clone()) ?? []);
      await session.join(tracks, { audio, video });
    } finally {
      this.#busy = false;
    }
  }

  /** Back to the plenary: leaves the caucus (its group removes this device) and resumes the plenary's media. */
  async back(): Promise<void> {
    const session = this.#session;
    if (!session) return;
    this.#session = null;
    this.#off();
    if (!OVER.has(session.snapshot().phase)) await session.leave().catch(() => undefined);
    session.dispose();
    this.#emit();
    await this.plenary.resume();
  }

  #emit(): void {
    for (const l of this.#listeners) l();
  }
}

const noop = () => () => {};

/** The caucus session while stepped out, else null. */
export function useCaucusSession(controller: CaucusController | null): CallSession | null {
  return useSyncExternalStore(controller?.subscribe ?? noop, () => controller?.session ?? null);
}
