import { describe, expect, it } from 'vitest';
import { LayerPlan, substreamFor } from './layers';

describe('simulcast layer choice', () => {
  it('picks the lowest layer nearly as tall as the tile', () => {
    expect(substreamFor(0)).toBe(0);
    expect(substreamFor(150)).toBe(0);
    expect(substreamFor(225)).toBe(0);
    expect(substreamFor(226)).toBe(1);
    expect(substreamFor(360)).toBe(1);
    expect(substreamFor(451)).toBe(2);
    expect(substreamFor(1440)).toBe(2);
  });

  it('asks only what changed, again after a new subscription, and again when a mid names another feed', () => {
    const plan = new LayerPlan();
    expect(plan.want('p1', 100)).toBe(true);
    expect(plan.want('p1', 120)).toBe(false);
    plan.want('p2', 700);
    const first = plan.pending(new Map([['p1', '1']]));
    expect(first.map(({ mid, substream }) => ({ mid, substream }))).toEqual([{ mid: '1', substream: 0 }]);
    plan.asked(first);
    expect(plan.pending(new Map([['p1', '1']]))).toEqual([]);
    // p2's camera arrives on mid 3.
    const second = plan.pending(
      new Map([
        ['p1', '1'],
        ['p2', '3'],
      ]),
    );
    expect(second.map((l) => [l.mid, l.substream])).toEqual([['3', 2]]);
    plan.asked(second);
    // The tile grows: one layer up for p1 only.
    plan.want('p1', 400);
    expect(
      plan
        .pending(
          new Map([
            ['p1', '1'],
            ['p2', '3'],
          ]),
        )
        .map((l) => [l.mid, l.substream]),
    ).toEqual([['1', 1]]);
    // A mid reused for another participant's camera is asked for anew.
    expect(plan.pending(new Map([['p2', '1']])).map((l) => [l.mid, l.substream])).toEqual([['1', 2]]);
    plan.reset();
    expect(plan.pending(new Map([['p1', '1']])).map((l) => [l.mid, l.substream])).toEqual([['1', 1]]);
    plan.forget((id) => id !== 'p1');
    expect(plan.pending(new Map([['p1', '1']]))).toEqual([]);
  });
});
