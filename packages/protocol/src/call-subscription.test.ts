import { describe, expect, it } from 'vitest';
import { subscriptionFeeds } from './call-subscription.js';
import type { CallParticipant } from './calls.js';

const person = (participantId: string, feeds: [string, 'main' | 'screen' | 'interp'][]) =>
  ({ participantId, feeds: feeds.map(([feedId, stream]) => ({ feedId, stream })) }) as unknown as CallParticipant;

describe('subscriptionFeeds', () => {
  const roster = [
    person('me', [['1', 'main']]),
    person('interpreter', [
      ['3', 'main'],
      ['4', 'interp'],
    ]),
    person('other', [
      ['2', 'main'],
      ['5', 'screen'],
    ]),
  ];

  it('on the floor: everyone else’s feeds but no interpretation channel, sorted', () => {
    expect(subscriptionFeeds(roster, 'me', null).map((f) => f.feedId)).toEqual(['2', '3', '5']);
  });

  it('listening to a language: only that interpreter’s channel is added, never one’s own feeds', () => {
    expect(subscriptionFeeds(roster, 'me', 'interpreter').map((f) => f.feedId)).toEqual(['2', '3', '4', '5']);
    expect(subscriptionFeeds(roster, 'interpreter', 'interpreter').map((f) => f.feedId)).toEqual(['1', '2', '5']);
  });
});
