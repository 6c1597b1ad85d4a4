// Layers on demand (docs/architecture.md §4.2): the camera encodes only the simulcast layers someone in the call
// receives, as the server tells it (`call.camera-layers`). A three-person call on laptops receives one layer of each
// camera; encoding the other two cost a third of each page's CPU for nothing.
import type { Substream } from '@parley/protocol';

/** The SFU's layer index of each of the camera's encodings (CAMERA_ENCODINGS' rids). */
const SUBSTREAM_OF_RID: Record<string, Substream> = { l: 0, m: 1, h: 2 };

/**
 * A layer its receivers leave keeps going this long: the SFU moves them to the layer they asked for at that layer's
 * next key frame, and a layer stopped before then would freeze their picture until it comes.
 */
export const LAYER_STOP_DELAY_MS = 2_000;

/**
 * Which of the camera's encodings are active. A layer someone starts receiving starts at once (its encoder begins
 * with a key frame); a layer no one receives any more stops after `LAYER_STOP_DELAY_MS`, and one that no one was
 * receiving stops at once. Until the server first says, every layer goes out, as the browser starts them.
 */
export class CameraEncodings {
  #active: ReadonlySet<Substream> = new Set<Substream>([0, 1, 2]);
  #received: ReadonlySet<Substream> = new Set();
  #stopTimer: ReturnType<typeof setTimeout> | null = null;
  /** setParameters calls run one after another: each reads what the previous one set. */
  #applying: Promise<void> = Promise.resolve();
  /** The sender `#active` was last applied to (a new publication's sender starts with every layer on). */
  #sender: RTCRtpSender | null = null;

  constructor(private readonly sender: () => RTCRtpSender | null) {}

  /** The layers someone receives now (the lowest always among them). */
  received(substreams: readonly Substream[]): Promise<void> {
    const now = new Set(substreams);
    const before = this.#received;
    this.#received = now;
    if (this.#stopTimer) clearTimeout(this.#stopTimer);
    this.#stopTimer = null;
    // Stopped at once: what no one was receiving. Kept a while: what someone was receiving until now.
    const keep = new Set([...this.#active].filter((s) => now.has(s) || before.has(s)));
    for (const s of now) keep.add(s);
    const applied = this.#apply(keep);
    if ([...keep].some((s) => !now.has(s)))
      this.#stopTimer = setTimeout(() => {
        this.#stopTimer = null;
        void this.#apply(this.#received);
      }, LAYER_STOP_DELAY_MS);
    return applied;
  }

  /**
   * The SFU's answer was just set: the browser turns every layer the answer does not pause back on, so the demand
   * is applied again (before, the top layer often went out until the next demand came).
   */
  renegotiated(): Promise<void> {
    this.#sender = null;
    return this.#apply(this.#active);
  }

  close(): void {
    if (this.#stopTimer) clearTimeout(this.#stopTimer);
    this.#stopTimer = null;
  }

  #apply(layers: ReadonlySet<Substream>): Promise<void> {
    this.#applying = this.#applying.then(async () => {
      const sender = this.sender();
      // getParameters waits for the browser's WebRTC thread, which is busiest while a call is being joined: a roster
      // that changes nothing here (most of them) must not block the page on it.
      if (!sender || (sender === this.#sender && sameLayers(layers, this.#active))) return;
      const params = sender.getParameters();
      let changed = false;
      for (const e of params.encodings) {
        const substream = e.rid === undefined ? undefined : SUBSTREAM_OF_RID[e.rid];
        if (substream === undefined || e.active === layers.has(substream)) continue;
        e.active = layers.has(substream);
        changed = true;
      }
      this.#active = new Set(layers);
      this.#sender = null;
      if (changed) await sender.setParameters(params);
      this.#sender = sender;
    });
    // A sender closed meanwhile refuses; the next publication starts from what the server last said.
    this.#applying = this.#applying.catch(() => {});
    return this.#applying;
  }
}

const sameLayers = (a: ReadonlySet<Substream>, b: ReadonlySet<Substream>) =>
  a.size === b.size && [...a].every((s) => b.has(s));
