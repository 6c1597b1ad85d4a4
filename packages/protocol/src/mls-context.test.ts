import { describe, expect, it } from 'vitest';
import { MlsContext } from './keys.js';
import { type MlsContextParts, mlsContext, parseMlsContext } from './mls-context.js';

const group = '0b9c1a51-3c3e-4a53-9f57-6a3f1b0f2e10';
const meeting = '6f1d0c2e-8a4b-4c1d-9e2f-1a2b3c4d5e6f';
const [low, high] = ['1a2b3c4d-0000-4000-8000-000000000001', 'f1e2d3c4-0000-4000-8000-000000000002'];

describe('MLS context ids', () => {
  it('writes each kind of context in its one form, which the schema accepts', () => {
    const cases: [MlsContextParts, string][] = [
      [{ kind: 'group', groupId: group }, `group:${group}`],
      [{ kind: 'call', meetingId: meeting }, `call:${meeting}`],
      [{ kind: 'caucus', groupId: group, sideId: low }, `caucus:${group}:${low}`],
      [{ kind: 'caucus-call', meetingId: meeting, sideId: low }, `caucus-call:${meeting}:${low}`],
      [{ kind: 'backchannel', groupId: group, sideIds: [low, high] }, `backchannel:${group}:${low}:${high}`],
    ];
    for (const [parts, written] of cases) {
      expect(mlsContext(parts)).toBe(written);
      expect(MlsContext.parse(written)).toBe(written);
      expect(parseMlsContext(written)).toEqual(parts);
    }
  });

  it('names one back channel whichever side opens it', () => {
    const fromHigh = mlsContext({ kind: 'backchannel', groupId: group, sideIds: [high, low] });
    expect(fromHigh).toBe(`backchannel:${group}:${low}:${high}`);
    expect(parseMlsContext(`backchannel:${group}:${high}:${low}`)).toEqual({
      kind: 'backchannel',
      groupId: group,
      sideIds: [low, high],
    });
  });

  it('reads nothing from what is not a context', () => {
    for (const text of [
      `retired:${group}`,
      `call:${meeting}:extra`,
      'call:not-a-uuid',
      `caucus:${group}`,
      `caucus-call:${meeting}`,
      `backchannel:${group}:${low}:${low}`,
      `meeting:${meeting}`,
      '',
    ])
      expect(parseMlsContext(text), text).toBeUndefined();
  });
});
