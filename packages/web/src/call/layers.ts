// Simulcast: a camera is sent in three layers and every receiver asks the SFU for the one that fits the tile it
// shows that camera in. Each layer is its own encoding of the same track, so the sender's one E2EE transform sees
// (and encrypts) the frames of all three; switching layers needs no key of its own (see frame-cryptor.ts for what a
// VP8 frame keeps in clear, which is all Janus reads to switch on a key frame).

/** Janus's substream index: 0 the lowest layer, 2 the highest. */
export type Substream = 0 | 1 | 2;

/**
 * The camera's encodings, highest first: Janus reads the rids in that order ("hml") unless told otherwise. A 720p
 * camera gives 1280x720, 640x360 and 320x180; the browser leaves out layers a smaller camera cannot fill. The
 * bitrates are below the room's per-publisher cap (DEFAULT_PUBLISHER_BITRATE on the server), so all three fit.
 */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 1_200_000 },
  { rid: 'm', maxBitrate: 500_000, scaleResolutionDownBy: 2 },
  { rid: 'l', maxBitrate: 150_000, scaleResolutionDownBy: 4 },
];

/** Heights of the layers of a 720p camera, lowest first. */
const LAYER_HEIGHTS = [180, 360, 720] as const;

/**
 * The lowest layer at least nearly as tall as the tile shows it (device pixels): a layer a little smaller than the
 * tile looks the same once scaled, and the next one up would cost several times the bandwidth and decoding.
 */
export function substreamFor(tileHeightPx: number): Substream {
  if (tileHeightPx <= LAYER_HEIGHTS[0] * 1.25) return 0;
  if (tileHeightPx <= LAYER_HEIGHTS[1] * 1.25) return 1;
  return 2;
}

/**
 * The layers wanted per participant (from their tile's size) and those last asked of the SFU per subscriber mid.
 * `pending` gives what to ask now: only mids whose wanted layer differs from the one asked, so a resize that keeps
 * every tile in its layer sends nothing. A new subscriber connection (new mids) starts from nothing asked.
 */
export class LayerPlan {
  readonly #wanted = new Map<string, Substream>();
  #asked = new Map<string, Substream>();

  want(participantId: string, tileHeightPx: number): boolean {
    const layer = substreamFor(tileHeightPx);
    if (this.#wanted.get(participantId) === layer) return false;
    this.#wanted.set(participantId, layer);
    return true;
  }

  forget(keep: (participantId: string) => boolean): void {
    for (const id of [...this.#wanted.keys()]) if (!keep(id)) this.#wanted.delete(id);
  }

  /**
   * `mids`: the subscriber's video mid of each participant's camera now. What was asked is kept per mid and
   * participant: the SFU may reuse a mid for another feed, which then starts at its highest layer again.
   */
  pending(mids: Map<string, string>): { mid: string; substream: Substream; key: string }[] {
    const out: { mid: string; substream: Substream; key: string }[] = [];
    const live = new Set([...mids].map(([participantId, mid]) => `${mid}|${participantId}`));
    for (const key of [...this.#asked.keys()]) if (!live.has(key)) this.#asked.delete(key);
    for (const [participantId, mid] of mids) {
      const layer = this.#wanted.get(participantId);
      const key = `${mid}|${participantId}`;
      if (layer === undefined || this.#asked.get(key) === layer) continue;
      out.push({ mid, substream: layer, key });
    }
    return out;
  }

  asked(layers: { substream: Substream; key: string }[]): void {
    for (const l of layers) this.#asked.set(l.key, l.substream);
  }

  /** The SFU forgot what was asked (a new subscription). */
  reset(): void {
    this.#asked = new Map();
  }
}

/** Tiles settle after a resize in a few frames; layer requests wait for that rather than follow every step. */
const LAYER_SETTLE_MS = 250;

/**
 * The plan, and when to ask the SFU: a short while after the last change. `mids` gives the subscriber's camera mid
 * of each participant now (null while there is no subscription), `send` asks for the layers.
 */
export class LayerRequests {
  readonly plan = new LayerPlan();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly mids: () => Map<string, string> | null,
    private readonly send: (layers: { mid: string; substream: Substream }[]) => void,
  ) {}

  want(participantId: string, tileHeightPx: number): void {
    if (this.plan.want(participantId, tileHeightPx)) this.schedule();
  }

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush();
    }, LAYER_SETTLE_MS);
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private flush(): void {
    const mids = this.mids();
    if (!mids) return;
    const layers = this.plan.pending(mids);
    if (layers.length === 0) return;
    this.plan.asked(layers);
    this.send(layers.map(({ mid, substream }) => ({ mid, substream })));
  }
}
