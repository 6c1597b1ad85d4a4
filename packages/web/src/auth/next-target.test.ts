import { describe, expect, it } from 'vitest';
import { HOME, safeNext } from './next-target';

describe('the page to return to after signing in', () => {
  it('keeps a path on this site, with its query and fragment', () => {
    expect(safeNext('/meetings/42')).toBe('/meetings/42');
    expect(safeNext('/groups/1/meetings?view=month#today')).toBe('/groups/1/meetings?view=month#today');
  });

  it('lands on the home page for anything that could leave the site', () => {
    for (const raw of [
      null,
      '',
      '/\\evil.example',
      '\\\\evil.example',
      '//evil.example',
      '///evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'evil.example',
      '/%2F%2Fevil.example',
      '/%5Cevil.example',
      '%2F%2Fevil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/%E0%A4%A',
      '/sign-in?next=%2Fgroups',
    ]) {
      expect(safeNext(raw), String(raw)).toBe(HOME);
    }
  });
});
