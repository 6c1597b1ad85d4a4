/**
 * What the booth needs of the call it belongs to: its publishing, and whether publishing is possible just now (in
 * the call and not stepped out to a caucus).
 */
export interface BoothHost {
  canPublish(): boolean;
  publish(media: MediaStream): Promise<void>;
  /** The live publication's sender, swapped in place (no renegotiation, the E2EE transform stays). */
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  /** Closes the publication and tells the server (when in the call). */
  unpublish(): void;
}

/**
 * An assigned interpreter's on-air channel (docs/call-keys.md §13): a clone of the microphone, published as the
 * call's third, audio-only stream `interp` through the same E2EE worker as every other track. A clone, so muting the
 * microphone towards the floor leaves the channel on air; and so a new microphone must be cloned into it again.
 */
export class InterpreterBooth {
  private media: MediaStream | null = null;

  constructor(private readonly host: BoothHost) {}

  get onAir(): boolean {
    return this.media !== null;
  }

  /** The channel's media, republished with the others after a rejoin or a media restart. */
  get stream(): MediaStream | null {
    return this.media;
  }

  /** The track on air (diagnostics and the end-to-end tests). */
  get track(): MediaStreamTrack | null {
    return this.media?.getAudioTracks()[0] ?? null;
  }

  async start(mic: MediaStreamTrack): Promise<void> {
    if (this.media) return;
    const track = mic.clone();
    track.enabled = true;
    this.media = new MediaStream([track]);
    if (this.host.canPublish()) await this.host.publish(this.media);
  }

  /**
   * The person picked another microphone: the channel follows it. Without this the clone would keep the old device
   * open and on air while the floor heard the new one.
   */
  async switchMicrophone(mic: MediaStreamTrack): Promise<void> {
    const old = this.track;
    if (!this.media || !old) return;
    const track = mic.clone();
    track.enabled = true;
    this.media = new MediaStream([track]);
    await this.host.replaceTrack(track);
    old.stop();
  }

  stop(): void {
    if (!this.media) return;
    this.release();
    this.host.unpublish();
  }

  /** Lets go of the device without a word to the server (the call is being torn down anyway). */
  release(): void {
    for (const t of this.media?.getTracks() ?? []) t.stop();
    this.media = null;
  }
}
