import type { DomainEvent, Topic } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { WelcomeTopic } from './welcome-topic.js';

/** A topic stream as the realtime client delivers it: every listener of a topic hears each event. */
function stream() {
  const listeners = new Map<string, Set<(e: DomainEvent) => void>>();
  return {
    subscribe(topic: Topic, listener: (e: DomainEvent) => void) {
      const set = listeners.get(topic) ?? new Set();
      listeners.set(topic, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(topic: string, event: DomainEvent) {
      for (const l of listeners.get(topic) ?? []) l(event);
    },
  };
}

const welcome = (seq: number) =>
  ({
    kind: 'mls.welcome',
    data: { mlsGroupId: 'g', context: 'call:m', deviceId: 'd', seq, epoch: seq },
  }) as unknown as DomainEvent;

describe('WelcomeTopic', () => {
  it('hands a Welcome pushed after admission, before the key layer listened, to its listener', () => {
    const ws = stream();
    const topic = new WelcomeTopic(ws, 'user:u');
    topic.hold();
    ws.emit('user:u', welcome(1)); // before admission: not this join's
    topic.keep();
    ws.emit('user:u', welcome(2));
    const heard: DomainEvent[] = [];
    topic.events().subscribe('user:u', (e) => heard.push(e));
    expect(heard).toEqual([welcome(2)]);
    ws.emit('user:u', welcome(3));
    expect(heard).toEqual([welcome(2), welcome(3)]);
    // Replayed once: a second listener hears only what comes next.
    const again: DomainEvent[] = [];
    topic.events().subscribe('user:u', (e) => again.push(e));
    ws.emit('user:u', welcome(4));
    expect(again).toEqual([welcome(4)]);
  });

  it('keeps nothing once released', () => {
    const ws = stream();
    const topic = new WelcomeTopic(ws, 'user:u');
    topic.hold();
    topic.keep();
    topic.release();
    ws.emit('user:u', welcome(1));
    const heard: DomainEvent[] = [];
    topic.events().subscribe('user:u', (e) => heard.push(e));
    expect(heard).toEqual([]);
  });
});
