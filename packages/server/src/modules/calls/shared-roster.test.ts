import type { CallParticipant } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { current } from './shared-roster.js';

const entry = (participantId: string, userId: string, joinedAt: string): CallParticipant => ({
  participantId,
  userId,
  deviceId: null,
  displayName: userId,
  sideId: 'side',
  agencyName: 'Agency',
  title: 'Delegate',
  role: 'member',
  audio: false,
  video: false,
  sharing: false,
  speaking: false,
  feeds: [],
  joinedAt,
  presence: 'here',
});

describe('the roster shared across nodes', () => {
  it('lists a person once: their socket here wins over a dead node’s entry, else their latest join', () => {
    const stale = entry('p1', 'ana', '2026-12-01T10:00:00.000Z');
    const back = entry('p2', 'ana', '2026-12-01T10:05:00.000Z');
    const ben = entry('p3', 'ben', '2026-12-01T10:01:00.000Z');
    expect(current([stale, ben, back], new Set())).toEqual([ben, back]);
    expect(current([stale, ben, back], new Set(['ana']))).toEqual([ben]);
    expect(current([], new Set(['ana']))).toEqual([]);
  });
});
