// The E2EE worker: every encoded frame of every published track passes through here to be SFrame-encrypted, and
// every received frame to be decrypted. Keys arrive from the page and never leave; the page only hears counters.
// Entered through RTCRtpScriptTransform (`rtctransform` events: Firefox, Safari, current Chromium) or, on older
// Chromium, through encoded streams the page transfers in an `attach` message.
import { FrameCryptor, type FrameLayout } from './frame-cryptor.js';
import { type EncodedFrame, layoutOf } from './frame-layout.js';
import type { FromWorker, ToWorker, TransformOptions } from './worker-protocol.js';

/**
 * RTCRtpScriptTransformer as Chromium and Firefox expose it in the worker (`rtctransform` events; the key frame
 * calls are newer: feature-tested).
 */
interface ScriptTransformer {
  readonly readable: ReadableStream<EncodedFrame>;
  readonly writable: WritableStream<EncodedFrame>;
  readonly options: TransformOptions;
  generateKeyFrame?(): Promise<void>;
  sendKeyFrameRequest?(): Promise<void>;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  onrtctransform: ((event: { transformer: ScriptTransformer }) => void) | null;
  postMessage(message: FromWorker): void;
}

const scope = globalThis as unknown as WorkerScope;

interface Attached {
  options: TransformOptions;
  participantId: string;
  transformer?: ScriptTransformer;
  /** Frames refused since the last one decrypted (a delta frame after such a gap cannot be decoded). */
  failing: number;
  /** Decrypting again, but no key frame yet: the decoder can use nothing until one comes. */
  awaitingKeyFrame: boolean;
  lastKeyFrameRequest: number;
}

/** Key frame requests of one receiver at most this often (the SFU forwards them to the sender's encoder). */
const KEY_FRAME_REQUEST_GAP_MS = 250;

function requestKeyFrame(a: Attached, urgent = false): void {
  const now = performance.now();
  if (!urgent && now - a.lastKeyFrameRequest < KEY_FRAME_REQUEST_GAP_MS) return;
  a.lastKeyFrameRequest = now;
  a.transformer?.sendKeyFrameRequest?.().catch(() => {});
}

const attached = new Map<string, Attached>();
/** Latest participant per receiver id; a rebind may overtake the transform's creation. */
const rebinds = new Map<string, string>();

// One cryptor for every track of the call (camera, microphone, screen, interpretation channel): one send counter per
// key shared by them all, so no (key, counter) nonce repeats across tracks (docs/call-keys.md §13).
const cryptor = new FrameCryptor({
  onSenderKey: () => {
    for (const a of attached.values())
      if (a.options.side === 'send' && a.options.kind !== 'audio') a.transformer?.generateKeyFrame?.().catch(() => {});
  },
  onReceiverKeys: () => requestKeyFramesWhereFailing(() => true),
});

/**
 * Video receivers that could not decrypt so far ask for a key frame once both the keys and the participant's
 * leaves are in (either may come last: `which` picks the receivers the latest change concerns), since the key
 * frame must find both to be decoded. Both changes are rare (key epochs, roster binding), so no throttle.
 */
function requestKeyFramesWhereFailing(which: (a: Attached) => boolean): void {
  if (cryptor.receiverEpoch === undefined) return;
  const stats = cryptor.stats().receivers;
  for (const a of attached.values()) {
    if (a.options.side !== 'receive' || a.options.kind === 'audio' || !cryptor.knows(a.participantId)) continue;
    if (which(a) && (stats[a.participantId]?.failingSince ?? 1) > 0) requestKeyFrame(a, true);
  }
}

function pipe(
  options: TransformOptions,
  readable: ReadableStream<EncodedFrame>,
  writable: WritableStream<EncodedFrame>,
  transformer?: ScriptTransformer,
): void {
  const entry: Attached = {
    options,
    participantId: rebinds.get(options.id) ?? options.participantId ?? '',
    transformer,
    // A receiver starts as if after a gap: its first decodable frame must be a key frame too.
    failing: options.side === 'receive' ? 1 : 0,
    awaitingKeyFrame: false,
    lastKeyFrameRequest: Number.NEGATIVE_INFINITY,
  };
  attached.set(options.id, entry);
  const transform = new TransformStream<EncodedFrame, EncodedFrame>({
    async transform(frame, controller) {
      let out: ArrayBuffer | null = null;
      let layout: FrameLayout = 'opaque';
      try {
        layout = layoutOf(options.kind, frame);
        out =
          options.side === 'send'
            ? await cryptor.encrypt(frame.data, layout)
            : await cryptor.decrypt(frame.data, entry.participantId, layout);
      } catch {
        out = null;
      }
      // No output means the frame is dropped: a sender never lets a frame through unencrypted.
      if (!out) {
        entry.failing++;
        return;
      }
      // Decrypting again after a gap (keys just arrived, the sender changed key, or the first frames of a new
      // subscription): delta frames are useless to the decoder, so ask the sender for a key frame now rather than
      // wait for the decoder's own timeout, and again (spaced) until one comes: the first request may have gone out
      // before this connection carried anything back, or its key frame been lost (docs/call-keys.md §11).
      if (options.side === 'receive' && layout !== 'opaque' && (entry.failing > 0 || entry.awaitingKeyFrame)) {
        entry.awaitingKeyFrame = (new Uint8Array(out)[0]! & 0x01) !== 0;
        if (entry.awaitingKeyFrame) requestKeyFrame(entry);
        else scope.postMessage({ type: 'picture' });
      }
      entry.failing = 0;
      frame.data = out;
      controller.enqueue(frame);
    },
  });
  readable
    .pipeThrough(transform)
    .pipeTo(writable)
    .catch(() => undefined)
    .finally(() => {
      if (attached.get(options.id) === entry) attached.delete(options.id);
    });
}

scope.onrtctransform = (event) => {
  const t = event.transformer;
  pipe(t.options, t.readable, t.writable, t);
};

let lastReport = '';
const report = setInterval(() => {
  const stats = cryptor.stats();
  const text = JSON.stringify(stats);
  if (text === lastReport) return;
  lastReport = text;
  scope.postMessage(stats);
}, 500);

scope.onmessage = (event) => {
  const message = event.data;
  switch (message.type) {
    case 'keys':
      cryptor.setKeys(message).catch((error: unknown) => {
        scope.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      });
      break;
    case 'participants': {
      const unbound = new Set([...attached.values()].filter((a) => !cryptor.knows(a.participantId)));
      cryptor.setParticipants(message.leaves);
      requestKeyFramesWhereFailing((a) => unbound.has(a));
      break;
    }
    case 'attach':
      pipe(message.options, message.readable, message.writable);
      break;
    case 'rebind': {
      rebinds.set(message.id, message.participantId);
      const entry = attached.get(message.id);
      if (entry) entry.participantId = message.participantId;
      break;
    }
    case 'close':
      clearInterval(report);
      cryptor.close();
      break;
  }
};
