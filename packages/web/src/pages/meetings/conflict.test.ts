import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { translateServerErrors } from '../../i18n/error-words';
import { setLanguage } from '../../i18n/intl';
import { asConflict } from './conflict';

const refusal = (code: string, detail: string) =>
  new ApiError(409, {
    type: 'about:blank',
    title: 'Conflict',
    status: 409,
    detail,
    code,
    currentState: { phase: 'cancelled', allowed: ['re_request'] },
  });

describe('a refused meeting command', () => {
  it('says a coded refusal in the reader’s language, and a plain conflict as a change in the meantime', () => {
    translateServerErrors();
    setLanguage('fr');
    expect(asConflict(refusal('already_shared', 'The meeting is already shared'))).toEqual({
      message: 'La réunion est déjà partagée',
      phase: 'cancelled',
      allowed: ['re_request'],
    });
    expect(asConflict(refusal('conflict', 'Cannot reschedule a meeting that is cancelled'))?.message).toBe(
      'La réunion a été modifiée entre-temps',
    );
    setLanguage('en');
    expect(asConflict(refusal('conflict', 'Cannot reschedule a meeting that is cancelled'))?.message).toBe(
      'Cannot reschedule a meeting that is cancelled',
    );
    expect(asConflict(refusal('already_shared', 'The meeting is already shared'))?.message).toBe(
      'The meeting is already shared',
    );
    expect(asConflict(new ApiError(400, { type: 'about:blank', title: 'Bad Request', status: 400 }))).toBeNull();
  });
});
