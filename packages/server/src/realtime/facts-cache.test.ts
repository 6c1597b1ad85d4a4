import { describe, expect, it } from 'vitest';
import type { ActorFacts } from '../policy/policy.js';
import { FACTS_TTL_MS, FactsCache } from './facts-cache.js';

const facts = (userId: string): ActorFacts => ({ userId, isAdmin: false, memberships: [] });

describe('the facts of a session’s sockets', () => {
  it('are read once per period for every socket of the session, and afresh after it', async () => {
    let now = 0;
    const cache = new FactsCache(() => now);
    let loads = 0;
    const load = async () => facts(`u${++loads}`);
    const [a, b] = await Promise.all([cache.get('s1', load), cache.get('s1', load)]);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    now += FACTS_TTL_MS;
    await cache.get('s1', load);
    expect(loads).toBe(1);
    now += 1;
    expect((await cache.get('s1', load)).userId).toBe('u2');
    await cache.get('s2', load);
    expect(loads).toBe(3);
  });

  it('reads afresh for a socket that opens, and its sibling sockets see the new read', async () => {
    const cache = new FactsCache(() => 0);
    await cache.get('s', async () => facts('before'));
    expect((await cache.fresh('s', async () => facts('after'))).userId).toBe('after');
    expect((await cache.get('s', async () => facts('unused'))).userId).toBe('after');
  });

  it('keeps no failed read: the next reader tries again', async () => {
    const cache = new FactsCache(() => 0);
    await expect(cache.get('s', () => Promise.reject(new Error('database away')))).rejects.toThrow('database away');
    expect((await cache.get('s', async () => facts('back'))).userId).toBe('back');
  });
});
