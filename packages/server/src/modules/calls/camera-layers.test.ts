import type { Substream } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { cameraDemand, type LayerParty } from './camera-layers.js';

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
});
