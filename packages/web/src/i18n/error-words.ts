import { setErrorWords } from '../api/client';
import type { MessageId } from './catalogue';
import { locale, t } from './intl';
import errors from './locales/en/errors.json';

/**
 * Codes the server gives every refusal of its kind: its English detail says more than the general sentence (which
 * record conflicted, which field), so an English reader gets the detail and everyone else the translated sentence.
 */
const GENERAL = new Set(['bad_request', 'forbidden', 'not_found', 'conflict', 'validation']);

/** Server refusals carry a stable `code` (Problem.code); this says it in the reader's language. */
export function translateServerErrors(): void {
  setErrorWords((code, values, detail) => {
    const key = code === 'too_many_requests' && values.seconds === undefined ? 'too_many_requests_now' : code;
    if (!Object.hasOwn(errors, key)) return null;
    if (detail && GENERAL.has(key) && locale() === 'en') return null;
    return t(`errors.${key}` as MessageId, values);
  });
}
