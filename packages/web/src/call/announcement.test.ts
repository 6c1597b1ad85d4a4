import { describe, expect, it } from 'vitest';
import { t } from '../i18n/intl';
import { announcement } from './announcement';

describe('call announcements', () => {
  it('gathers arrivals and departures into one sentence', () => {
    expect(announcement({ joined: ['Ana'], left: [], floor: null }, t)).toBe('Ana joined.');
    expect(announcement({ joined: ['Ana', 'Ben'], left: ['Cy'], floor: null }, t)).toBe('Ana and Ben joined. Cy left.');
  });

  it('counts a crowd instead of reading every name', () => {
    expect(announcement({ joined: ['A', 'B', 'C', 'D'], left: [], floor: 'E' }, t)).toBe(
      '4 people joined. E has the floor.',
    );
  });

  it('says nothing when nothing changed', () => {
    expect(announcement({ joined: [], left: [], floor: null }, t)).toBe('');
  });
});
