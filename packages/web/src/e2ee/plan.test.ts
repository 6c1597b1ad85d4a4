import { describe, expect, it } from 'vitest';
import { DepartureHold, missingFrom, planAdds } from './add-plan.js';
import { buildState, describeKeyStatus, FAILING_AFTER_FRAMES, onScreen, participantLeaves } from './call-state.js';
import { compareWithSeen } from './trust.js';
import type { RosterEntry } from './types.js';

const person = (n: string, deviceId: string | null): RosterEntry => ({
  participantId: `p-${n}`,
  userId: `u-${n}`,
  deviceId,
  displayName: n,
});
const member = (n: string, leafIndex: number) => ({ leafIndex, userId: `u-${n}`, deviceId: `d-${n}` });

describe('planAdds: who adds a newcomer', () => {
  const roster = [person('a', 'd-a'), person('b', 'd-b'), person('c', 'd-c')];
  const members = [member('a', 0), member('b', 1)];

  it('the lowest leaf present in the call acts at once; the next one only after the fallback delay', () => {
    const since = new Map<string, number>();
    const base = { roster, members, fallbackMs: 4000, missingSince: since };
    expect(planAdds({ ...base, ownLeaf: 0, now: 1000 }).due.map((p) => p.participantId)).toEqual(['p-c']);
    const other = new Map<string, number>();
    const b = { ...base, ownLeaf: 1, missingSince: other };
    expect(planAdds({ ...b, now: 1000 })).toMatchObject({ missing: [roster[2]], due: [] });
    expect(planAdds({ ...b, now: 4999 }).due).toEqual([]);
    expect(planAdds({ ...b, now: 5000 }).due).toEqual([roster[2]]);
  });

  it('a member that left the call does not hold the others up, and a joined device is no longer missing', () => {
    // Leaf 0 is still in the MLS group but no longer in the call: leaf 1 is first in line.
    const plan = planAdds({
      roster: roster.slice(1),
      members,
      ownLeaf: 1,
      now: 0,
      fallbackMs: 4000,
      missingSince: new Map(),
    });
    expect(plan.due).toEqual([roster[2]]);
    const since = new Map([['p-c', 0]]);
    planAdds({ roster, members: [...members, member('c', 2)], ownLeaf: 0, now: 1, fallbackMs: 1, missingSince: since });
    expect(since.size).toBe(0);
  });
});

describe('missingFrom: roster participants whose device is not in the group', () => {
  it('names a device by id, and a participant without one by any device of theirs', () => {
    const roster = [person('a', 'd-a'), person('b', null), person('c', null), person('b2', 'd-b2')];
    expect(missingFrom(roster, [member('a', 0), member('b', 1)]).map((r) => r.participantId)).toEqual(['p-c', 'p-b2']);
  });
});

describe('call state', () => {
  const stats = { type: 'stats' as const, encrypted: 5, droppedNoKey: 1, receivers: {} };
  const facts = (n: string, leafIndex: number, verified = true, warning: 'new' | 'changed' | null = null) => ({
    ...member(n, leafIndex),
    fingerprint: 'F',
    verified,
    warning,
  });

  it('says per participant whether keys are there, and binds each participant to its device’s leaf', () => {
    const roster = [person('a', 'd-a'), person('b', 'd-b'), person('c', 'd-c'), person('x', null)];
    const members = [facts('a', 0), facts('b', 1, false), facts('x', 3)];
    const s = buildState({
      phase: 'ready',
      epoch: 7n,
      safetyCode: '1',
      deviceId: 'd-a',
      roster,
      members,
      stats: {
        ...stats,
        receivers: { 'p-x': { decrypted: 9, failed: 99, lastError: 'x', failingSince: 99, lastEpoch: 6 } },
      },
      error: null,
    });
    expect(s.participants.map((p) => [p.participantId, p.status])).toEqual([
      ['p-b', 'unknown-device-key'],
      ['p-c', 'waiting'],
      ['p-x', 'failing'],
    ]);
    expect(s).toMatchObject({ epoch: 7, keyWarning: true, framesEncrypted: 5, chatHistoryStartsAtJoin: true });
    expect(s.members.find((m) => m.isMe)?.participantId).toBe('p-a');
    expect(participantLeaves(roster, members)).toEqual({ 'p-a': [0], 'p-b': [1], 'p-c': [], 'p-x': [3] });
    expect(FAILING_AFTER_FRAMES).toBeGreaterThan(0);
    expect(describeKeyStatus({ status: 'waiting', displayName: 'Amara Quist' })).toBe(
      'waiting for keys from Amara Quist',
    );
  });

  it('before joining everyone is waiting', () => {
    const s = buildState({
      phase: 'waiting-for-welcome',
      epoch: null,
      safetyCode: null,
      deviceId: 'd-b',
      roster: [person('a', 'd-a'), person('b', 'd-b')],
      members: [],
      stats,
      error: null,
    });
    expect(s.participants).toMatchObject([{ participantId: 'p-a', status: 'waiting' }]);
  });

  it('counts frames without changing what is on screen, until a count changes a status or an epoch', () => {
    const view = (encrypted: number, received: { decrypted: number; failed: number; failingSince: number }) =>
      buildState({
        phase: 'ready',
        epoch: 3n,
        safetyCode: '1',
        deviceId: 'd-a',
        roster: [person('a', 'd-a'), person('b', 'd-b')],
        members: [facts('a', 0), facts('b', 1)],
        stats: { ...stats, encrypted, receivers: { 'p-b': { ...received, lastError: null, lastEpoch: 3 } } },
        error: null,
      });
    const first = view(10, { decrypted: 10, failed: 0, failingSince: 0 });
    expect(onScreen(view(500, { decrypted: 480, failed: 2, failingSince: 2 }))).toBe(onScreen(first));
    const failing = view(500, { decrypted: 480, failed: 90, failingSince: FAILING_AFTER_FRAMES });
    expect(failing.keys['p-b']).toBe('failing');
    expect(onScreen(failing)).not.toBe(onScreen(first));
    expect(onScreen({ ...first, epoch: 4 })).not.toBe(onScreen(first));
  });
});

describe('compareWithSeen: the device-key log must extend what this browser saw', () => {
  const seen = { length: 2, head: 'h2', keys: { d1: 'k1' } };
  it('flags new devices and logs that were rewritten', () => {
    expect(compareWithSeen(undefined, ['h1'], 'd1', 'k1')).toBe('new');
    expect(compareWithSeen(seen, ['h1', 'h2', 'h3'], 'd1', 'k1')).toBeNull();
    expect(compareWithSeen(seen, ['h1', 'h2', 'h3'], 'd2', 'k2')).toBe('new');
    expect(compareWithSeen(seen, ['h1', 'hX', 'h3'], 'd1', 'k1')).toBe('changed');
    expect(compareWithSeen(seen, ['h1'], 'd1', 'k1')).toBe('changed');
    expect(compareWithSeen(seen, ['h1', 'h2'], 'd1', 'kX')).toBe('changed');
  });
});

describe('DepartureHold: a device that just left is not added back from a stale roster', () => {
  const a = person('a', 'd-a');
  const c = person('c', 'd-c');

  it('holds the roster entry whose device left the group, for the hold time only', () => {
    const hold = new DepartureHold(5000);
    hold.noteMembers(['d-a', 'd-c'], [a, c], 0);
    // C's Remove is in, but the roster that drops C has not come yet.
    hold.noteMembers(['d-a'], [a, c], 1000);
    expect(hold.held(c, 1000)).toBe(true);
    expect(hold.held(a, 1000)).toBe(false);
    expect(hold.held(c, 5999)).toBe(true);
    // Still listed after the hold (a device that lost its state and left, in the same stay): added again.
    expect(hold.held(c, 6000)).toBe(false);
  });

  it('does not hold a returning person (a new participant) nor anyone who was never a member', () => {
    const hold = new DepartureHold(5000);
    hold.noteMembers(['d-a', 'd-c'], [a, c], 0);
    hold.noteMembers(['d-a'], [a, c], 1000);
    const back = { ...c, participantId: 'p-c-again' };
    hold.forgetGone([a, back]);
    expect(hold.held(back, 1001)).toBe(false);
    expect(hold.held(c, 1001)).toBe(false);
    // A newcomer whose device has not been a member yet is never held.
    const n = person('n', 'd-n');
    hold.noteMembers(['d-a'], [a, n], 2000);
    expect(hold.held(n, 2000)).toBe(false);
  });
});
