// Messages between the page and the E2EE worker. Keys only ever travel page → worker; the worker answers with
// counters, never with key material.

export interface EpochKeysMessage {
  type: 'keys';
  epoch: bigint;
  /** E: epoch bits in every KID. */
  epochBits: number;
  /** RFC 9605 §5.2 base key of the epoch (transferred: the page's copy is detached). */
  baseKey: ArrayBuffer;
  ownKid: bigint;
  receivers: { kid: bigint; leafIndex: number }[];
}

export type ToWorker =
  | EpochKeysMessage
  /** Which MLS leaves each participant's streams may carry: a frame from another leaf is refused. */
  | { type: 'participants'; leaves: Record<string, number[]> }
  /** createEncodedStreams fallback: the page transfers the streams of one sender or receiver. */
  | {
      type: 'attach';
      options: TransformOptions;
      readable: ReadableStream;
      writable: WritableStream;
    }
  /** A receiver now carries another participant's media (the SFU reassigned it). */
  | { type: 'rebind'; id: string; participantId: string }
  | { type: 'close' };

export interface TransformOptions {
  side: 'send' | 'receive';
  /** Unique per sender/receiver of this page. */
  id: string;
  kind: string;
  participantId?: string;
}

export interface ReceiveStats {
  decrypted: number;
  failed: number;
  /** Why the latest frame failed (SFrame error code, `wrong-sender` or `no-participant`). */
  lastError: string | null;
  /** Failures since the latest success. */
  failingSince: number;
  /** Key epoch of the latest decrypted frame. */
  lastEpoch: number | null;
}

export interface WorkerStats {
  type: 'stats';
  encrypted: number;
  droppedNoKey: number;
  receivers: Record<string, ReceiveStats>;
}

/** A receiver decrypted a video key frame after nothing or a gap: a picture can be decoded now. */
export interface PictureMessage {
  type: 'picture';
}

export type FromWorker = WorkerStats | PictureMessage | { type: 'error'; message: string };
