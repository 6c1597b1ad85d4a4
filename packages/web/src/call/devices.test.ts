import { describe, expect, it } from 'vitest';
import { t } from '../i18n/intl';
import { screenErrorText as withT } from './devices';

const screenErrorText = (err: unknown) => withT(err, t);

const domError = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('screenErrorText', () => {
  it('says in plain words that no screen was found, not the browser’s own message', () => {
    // Firefox ESR without a display to capture.
    const text = screenErrorText(domError('NotFoundError', 'The object can not be found here.'));
    expect(text).toBe('This browser found no screen or window to share.');
  });

  it('tells a refused capture apart from a browser that cannot share at all', () => {
    expect(screenErrorText(domError('NotReadableError', 'Could not start video source'))).toMatch(/refused/);
    expect(screenErrorText(domError('NotSupportedError', 'getDisplayMedia is not supported'))).toBe(
      'This browser cannot share a screen.',
    );
  });

  it('never shows an unknown error’s own text', () => {
    expect(screenErrorText(domError('WeirdError', 'internal failure 0x80004005'))).toBe(
      'Your screen could not be shared.',
    );
    expect(screenErrorText('nope')).toBe('Your screen could not be shared.');
  });
});
