import type { CallParticipant, LobbyEntry } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { type Cluster, LocalPresence, localCluster, type Presence } from '../../cluster/cluster.js';
import type { MeetingFacts } from '../meetings/index.js';
import { LiveCall } from './live.js';
import { current, SharedRoster } from './shared-roster.js';

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

/**
 * Another node's entries, read as Redis would: each read sees the entries of the moment it is asked, and answers
 * when the test lets it.
 */
class HeldPresence extends LocalPresence implements Presence {
  readonly held: (() => void)[] = [];
  private changed: ((scope: string, fromNode: string) => void)[] = [];
  constructor() {
    super('node-b');
  }
  override async list(scope: string) {
    const seen = (await super.list(scope)).map((e) => ({ ...e, value: structuredClone(e.value) }));
    await new Promise<void>((resolve) => this.held.push(resolve));
    return seen;
  }
  override onChange(handler: (scope: string, fromNode: string) => void): void {
    this.changed.push(handler);
  }
  /** Node B wrote to a scope: every node is told. */
  async write(scope: string, id: string, value: unknown): Promise<void> {
    await this.put(scope, id, value);
    for (const h of this.changed) h(scope, 'node-b');
  }
}

const meeting = (id: string): MeetingFacts => {
  const group = { id: 'group', kind: 'group' as const, parentGroupId: null };
  const at = new Date('2026-12-01T10:00:00.000Z');
  return {
    id,
    groupId: group.id,
    group,
    item: { group, sideId: null, marking: 'shared' },
    title: 'Round',
    status: 'planned',
    format: 'video',
    start: at,
    end: at,
    timeZone: 'UTC',
    startedAt: at,
    endedAt: null,
  };
};

const settle = () => new Promise((r) => setImmediate(r));

describe('the shared roster read on one node', () => {
  it('never lets an older read of the other nodes overwrite a newer one: a delegate shown waiting stays listed', async () => {
    const presence = new HeldPresence();
    const errors: unknown[] = [];
    const cluster: Cluster = { ...localCluster('node-a'), kind: 'redis', presence };
    const roster = new SharedRoster(cluster, {
      plenaries: () => [],
      syncCaucuses: async () => {},
      asked: async () => {},
      onError: (err) => errors.push(err),
    });
    const call = new LiveCall('call-1', meeting('m-1'), new Date());
    roster.attach(call);
    await settle();
    // The first read has the participants and is reading the lobby, where nobody waits yet ...
    presence.held.pop()?.();
    await settle();
    // ... when Ana knocks through node B. Reads then answer newest first, as they may on a busy connection.
    const waiting: LobbyEntry = {
      participantId: 'p-ana',
      userId: 'ana',
      displayName: 'Ana',
      sideId: 'side-a',
      agencyName: 'Agency',
      title: 'Delegate',
      waitingSince: '2026-12-01T10:01:00.000Z',
    };
    await presence.write('lobby:m-1', waiting.participantId, waiting);
    for (let i = 0; i < 20 && presence.held.length > 0; i++) {
      presence.held.pop()?.();
      await settle();
    }
    expect(presence.held).toEqual([]);
    expect(call.remoteLobby).toEqual([waiting]);
    expect(errors).toEqual([]);
    roster.close();
  });
});
