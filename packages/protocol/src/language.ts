import { z } from 'zod';

/**
 * A text's language as a BCP 47 tag (en, fr, he, ar, sr-Latn, pt-BR). Intl decides well-formedness; the primary
 * language subtag must also be a 2- or 3-letter ISO 639 code, which rules out words that merely look like a tag
 * ("english" would pass as a syntactically valid 5–8 letter subtag).
 */
export function canonicalLanguage(tag: string): string | null {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (!canonical || !/^[a-z]{2,3}(-|$)/.test(canonical)) return null;
    return canonical;
  } catch {
    return null;
  }
}

export const LanguageTag = z
  .string()
  .trim()
  .min(1)
  .max(35)
  .refine((v) => canonicalLanguage(v) !== null, 'must be a BCP 47 language tag such as en, fr, he or ar');

const RTL_SCRIPTS = new Set(['Adlm', 'Arab', 'Hebr', 'Mand', 'Mend', 'Nkoo', 'Rohg', 'Samr', 'Syrc', 'Thaa', 'Yezi']);

/** The writing direction of a language, from its likely script (he → Hebr → rtl; az-Arab → rtl; az → ltr). */
export function languageDirection(tag: string): 'ltr' | 'rtl' {
  try {
    const script = new Intl.Locale(tag).maximize().script;
    return script !== undefined && RTL_SCRIPTS.has(script) ? 'rtl' : 'ltr';
  } catch {
    return 'ltr';
  }
}

/** The input of a statement's text hash: the text alone, or for a text in two languages both texts with their tags. */
export function statementDigestInput(s: {
  language: string;
  text: string;
  secondLanguage: string | null;
  secondText: string | null;
}): string {
  if (s.secondText === null || s.secondLanguage === null) return s.text;
  return JSON.stringify([s.language, s.text, s.secondLanguage, s.secondText]);
}
