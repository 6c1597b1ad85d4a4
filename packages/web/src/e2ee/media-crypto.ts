// Page side of the E2EE worker: owns the worker, hooks senders and receivers into it, and pushes keys in.
import { e2eeMode } from './support.js';
import type { EpochKeysMessage, FromWorker, ToWorker, TransformOptions, WorkerStats } from './worker-protocol.js';

interface LegacyEndpoint {
  createEncodedStreams(): { readable: ReadableStream; writable: WritableStream };
}

type ScriptTransformCtor = new (worker: Worker, options: TransformOptions) => unknown;

export class MediaCrypto {
  readonly #worker: Worker;
  readonly #mode = e2eeMode();
  readonly #ids = new WeakMap<RTCRtpSender | RTCRtpReceiver, string>();
  #next = 0;
  #stats: WorkerStats = { type: 'stats', encrypted: 0, droppedNoKey: 0, receivers: {} };
  readonly #listeners = new Set<(stats: WorkerStats) => void>();
  #closed = false;
  #pictureShown: () => void = () => {};
  /** Resolves when the first remote picture can be decoded (a video key frame decrypted). */
  readonly firstPicture = new Promise<void>((resolve) => (this.#pictureShown = resolve));

  constructor(onError: (message: string) => void) {
    if (!this.#mode) throw new Error('This browser cannot encrypt call media end to end.');
    this.#worker = new Worker(new URL('./e2ee-worker.ts', import.meta.url), { type: 'module', name: 'parley-e2ee' });
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => {
      const message = event.data;
      if (message.type === 'error') onError(message.message);
      else if (message.type === 'picture') this.#pictureShown();
      else {
        this.#stats = message;
        for (const l of this.#listeners) l(message);
      }
    };
    this.#worker.onerror = (event) => onError(event.message || 'the E2EE worker failed');
  }

  get stats(): WorkerStats {
    return this.#stats;
  }

  onStats(listener: (stats: WorkerStats) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #post(message: ToWorker, transfer: Transferable[] = []): void {
    if (!this.#closed) this.#worker.postMessage(message, transfer);
  }

  /** Encrypts everything `sender` sends from now on. Call right after addTrack/addTransceiver, before negotiating. */
  attachSender(sender: RTCRtpSender): void {
    if (this.#ids.has(sender)) return;
    // The frame layout follows the media kind (a screen share is video).
    this.#hook(sender, { side: 'send', id: `s${this.#next++}`, kind: sender.track?.kind ?? 'video' });
  }

  /**
   * Decrypts what `receiver` gets, accepting only frames of `participantId`'s device. Call from `ontrack` (the
   * fallback must get the streams before the first frame). Calling again with another participant rebinds it.
   */
  attachReceiver(receiver: RTCRtpReceiver, participantId: string): void {
    const id = this.#ids.get(receiver);
    if (id) {
      this.#post({ type: 'rebind', id, participantId });
      return;
    }
    this.#hook(receiver, { side: 'receive', id: `r${this.#next++}`, kind: receiver.track.kind, participantId });
  }

  #hook(endpoint: RTCRtpSender | RTCRtpReceiver, options: TransformOptions): void {
    this.#ids.set(endpoint, options.id);
    if (this.#mode === 'script-transform') {
      const Transform = (globalThis as unknown as { RTCRtpScriptTransform: ScriptTransformCtor }).RTCRtpScriptTransform;
      (endpoint as unknown as { transform: unknown }).transform = new Transform(this.#worker, options);
      return;
    }
    const { readable, writable } = (endpoint as unknown as LegacyEndpoint).createEncodedStreams();
    this.#post({ type: 'attach', options, readable, writable }, [readable, writable] as unknown as Transferable[]);
  }

  /** Hands the epoch's base key to the worker; the page's copy is detached by the transfer. */
  setKeys(message: EpochKeysMessage): void {
    this.#post(message, [message.baseKey]);
  }

  setParticipants(leaves: Record<string, number[]>): void {
    this.#post({ type: 'participants', leaves });
  }

  close(): void {
    if (this.#closed) return;
    this.#post({ type: 'close' });
    this.#closed = true;
    this.#listeners.clear();
    this.#worker.terminate();
  }
}
