import { describe, expect, it } from 'vitest';
import { announcement } from './announcement';

describe('call announcements', () => {
  it('gathers arrivals and departures into one sentence', () => {
    expect(announcement({ joined: ['Ana'], left: [], floor: null })).toBe('Ana joined.');
    expect(announcement({ joined: ['Ana', 'Ben'], left: ['Cy'], floor: null })).toBe('Ana and Ben joined. Cy left.');
  });

  it('counts a crowd instead of reading every name', () => {
    expect(announcement({ joined: ['A', 'B', 'C', 'D'], left: [], floor: 'E' })).toBe(
      '4 people joined. E has the floor.',
    );
  });

  it('says nothing when nothing changed', () => {
    expect(announcement({ joined: [], left: [], floor: null })).toBe('');
  });
});
