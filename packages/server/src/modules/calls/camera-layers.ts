import { FIRST_SUBSTREAM, type Substream } from '@parley/protocol';
import type { LiveCall } from './live.js';

/** Always encoded: a new receiver of any camera has a key frame to start from at once, with no round trip to the sender. */
const ALWAYS_SENT: Substream = 0;
const EVERY_LAYER: Substream[] = [0, 1, 2];

/** What the demand needs of an admitted participant: their camera's feed and what they receive. */
export interface LayerParty {
  participantId: string;
  feeds: ReadonlyMap<string, string>;
  media: { receivedLayers(): { feedId: string; substream: Substream }[] } | null;
}

/**
 * The layers of each camera published through this node that someone receives, by participant: the lowest, plus
 * the layer each receiver's subscription asks for. Receivers through other server nodes are not known here, so in a
 * call that spans nodes (`spansNodes`) every camera keeps every layer.
 */
export function cameraDemand(admitted: readonly LayerParty[], spansNodes: boolean): Map<string, Substream[]> {
  const wanted = new Map<string, Set<Substream>>();
  const cameraOf = new Map<string, string>();
  for (const m of admitted) {
    const feedId = m.feeds.get('main');
    if (feedId === undefined) continue;
    wanted.set(m.participantId, new Set([ALWAYS_SENT]));
    cameraOf.set(feedId, m.participantId);
  }
  for (const receiver of admitted)
    for (const r of receiver.media?.receivedLayers() ?? []) {
      const owner = cameraOf.get(r.feedId);
      if (owner !== undefined && owner !== receiver.participantId) wanted.get(owner)?.add(r.substream);
    }
  return new Map([...wanted].map(([id, s]) => [id, spansNodes ? EVERY_LAYER : [...s].sort()]));
}

/** Tells each publishing participant whose demand changed which layers to encode (`call.camera-layers`). */
export function sendCameraLayers(call: LiveCall): void {
  for (const [participantId, substreams] of cameraDemand(call.admitted(), call.remote.length > 0)) {
    const m = call.members.get(participantId);
    if (!m || m.cameraLayers?.join() === substreams.join()) continue;
    m.cameraLayers = substreams;
    call.send(m, { type: 'call.camera-layers', meetingId: call.meetingId, substreams });
  }
}

/**
 * The layer a new receiver of a camera starts at: the middle one (`FIRST_SUBSTREAM`) when the camera encodes it now,
 * else the lowest, which every camera always encodes. Starting at a layer the camera has paused would hold the
 * first frame until the server's demand reached the sender and its encoder started; the receiver's tile asks for
 * the layer that fits it once laid out. `encoded` is what the camera was last told (`Member.cameraLayers`); null
 * before it was first told, when it sends its lowest and middle layers, or for a feed that is not a known camera.
 */
export function firstLayer(encoded: readonly Substream[] | null): Substream {
  return encoded === null || encoded.includes(FIRST_SUBSTREAM) ? FIRST_SUBSTREAM : ALWAYS_SENT;
}
