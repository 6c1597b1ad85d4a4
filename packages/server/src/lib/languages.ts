import { canonicalLanguage, secondTextProblem } from '@parley/protocol';
import { badRequest } from '../http/errors.js';

/** What a create or save says about a text's languages; an absent field keeps what the text had. */
export interface LanguageChange {
  language?: string | undefined;
  secondLanguage?: string | null | undefined;
  secondText?: string | null | undefined;
}

/** A text's languages after a change (absent fields keep what it had), tags in canonical form; 400 naming the field. */
export function applyLanguages(
  before: { language: string; secondLanguage: string | null; secondText: string | null },
  change: LanguageChange,
) {
  const next = {
    language: canonicalLanguage(change.language ?? before.language) ?? 'en',
    secondLanguage:
      change.secondLanguage === undefined
        ? before.secondLanguage
        : change.secondLanguage && canonicalLanguage(change.secondLanguage),
    secondText: change.secondText === undefined ? before.secondText : change.secondText,
  };
  const problem = secondTextProblem(next);
  if (problem)
    throw badRequest(`${problem.path} ${problem.message}`, [
      { path: `body.${problem.path}`, message: problem.message },
    ]);
  return next;
}
