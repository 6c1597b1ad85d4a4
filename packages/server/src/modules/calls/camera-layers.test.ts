import type { Substream } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { cameraDemand, firstLayer, type LayerParty } from './camera-layers.js';

const party = (
  participantId: string,
  camera: string | null,
  receives: { feedId: string; substream: Substream }[] = [],
): LayerParty => ({
  participantId,
  feeds: new Map(camera ? [['main', camera]] : []),
  media: { receivedLayers: () => receives },
});

describe('layers on demand: which layers of each camera someone receives', () => {
  it('the lowest layer of every camera, plus the layer each receiver asks for', () => {
    const demand = cameraDemand(
      [
        party('ana', 'cam-ana', [
          { feedId: 'cam-ben', substream: 2 },
          { feedId: 'cam-cy', substream: 1 },
        ]),
        party('ben', 'cam-ben', [
          { feedId: 'cam-ana', substream: 1 },
          { feedId: 'cam-cy', substream: 1 },
        ]),
        party('cy', 'cam-cy', [{ feedId: 'cam-ana', substream: 1 }]),
      ],
      false,
    );
    expect(Object.fromEntries(demand)).toEqual({ ana: [0, 1], ben: [0, 2], cy: [0, 1] });
  });

  it('a camera no one receives keeps the lowest layer only; screen shares and someone without a camera ask nothing of it', () => {
    const demand = cameraDemand(
      [
        party('ana', 'cam-ana'),
        party('ben', null, [{ feedId: 'screen-ana', substream: 2 }]),
        { participantId: 'cy', feeds: new Map([['screen', 'screen-cy']]), media: null },
      ],
      false,
    );
    expect(Object.fromEntries(demand)).toEqual({ ana: [0] });
  });

  it('a call that spans server nodes keeps every layer of every camera (receivers elsewhere are not known)', () => {
    const demand = cameraDemand(
      [party('ana', 'cam-ana'), party('ben', 'cam-ben', [{ feedId: 'cam-ana', substream: 0 }])],
      true,
    );
    expect(Object.fromEntries(demand)).toEqual({ ana: [0, 1, 2], ben: [0, 1, 2] });
  });

  it('what someone receives of their own camera does not count (a subscription never carries it, whatever it says)', () => {
    const demand = cameraDemand([party('ana', 'cam-ana', [{ feedId: 'cam-ana', substream: 2 }])], false);
    expect(Object.fromEntries(demand)).toEqual({ ana: [0] });
  });

  it('a new receiver starts at the middle layer when the camera encodes it, else at the lowest, which it always does', () => {
    // Not yet told (a camera that starts publishing sends its lowest and middle layers) or not a camera.
    expect(firstLayer(null)).toBe(1);
    expect(firstLayer([0, 1])).toBe(1);
    expect(firstLayer([0, 1, 2])).toBe(1);
    // Every receiver's tile asked for the top layer: the middle one is paused, so a newcomer starts at the lowest.
    expect(firstLayer([0, 2])).toBe(0);
    expect(firstLayer([0])).toBe(0);
  });
});
