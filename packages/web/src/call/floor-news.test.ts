import type { FloorState, Group } from '@parley/protocol';
import { describe, expect, it } from 'vitest';
import { t } from '../i18n/intl';
import { announcement } from './announcement';
import { floorNews } from './floor-news';

const ALD = '11111111-1111-4111-8111-111111111111';
const BEL = '22222222-2222-4222-8222-222222222222';
const me = '33333333-3333-4333-8333-333333333333';
const amara = '44444444-4444-4444-8444-444444444444';
const group = {
  sides: [
    { id: ALD, shortCode: 'ALD' },
    { id: BEL, shortCode: 'BEL' },
  ],
} as unknown as Group;
const at = '2026-03-01T09:30:00.000Z';
const base: FloorState = {
  meetingId: ALD,
  version: 1,
  callRunning: true,
  queue: [],
  speaker: null,
  sides: [],
  speakers: [],
  now: at,
};
const entry = (userId: string, displayName: string, sideId: string) => ({
  userId,
  displayName,
  sideId,
  since: at,
  addedByChair: false,
});

describe("the speakers' list's announcements", () => {
  it('says nothing about the list as it first loads', () => {
    expect(floorNews(null, { ...base, queue: [entry(amara, 'Amara', BEL)] }, group, me, t)).toEqual([]);
  });

  it('says who asks for the floor, the listener’s own place, who is given the floor and when it is taken back', () => {
    const raised = { ...base, version: 2, queue: [entry(amara, 'Amara', BEL), entry(me, 'Elena', ALD)] };
    expect(floorNews(base, raised, group, me, t).map((n) => n.text)).toEqual([
      'Amara asks for the floor.',
      'You are number 2 to speak.',
    ]);
    const given = {
      ...raised,
      version: 3,
      queue: [entry(me, 'Elena', ALD)],
      speaker: { userId: amara, displayName: 'Amara', sideId: BEL, since: at },
    };
    expect(floorNews(raised, given, group, me, t).map((n) => n.text)).toEqual([
      'The floor goes to Amara, BEL.',
      'You are next to speak.',
    ]);
    const taken = { ...given, version: 4, speaker: null };
    expect(floorNews(given, taken, group, me, t).map((n) => n.text)).toEqual(['The chair took the floor back.']);
    const ids = [...floorNews(base, raised, group, me, t), ...floorNews(raised, given, group, me, t)].map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('joins the roster’s news without reading out a whole burst', () => {
    const news = ['A asks for the floor.', 'B asks for the floor.', 'The floor goes to C, ALD.', 'You are next.'];
    expect(announcement({ joined: ['Ana'], left: [], floor: null, news }, t)).toBe(
      'Ana joined. B asks for the floor. The floor goes to C, ALD. You are next.',
    );
  });
});
