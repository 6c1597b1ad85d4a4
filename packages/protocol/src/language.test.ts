import { describe, expect, it } from 'vitest';
import { canonicalLanguage, LanguageTag, languageDirection, statementDigestInput } from './language.js';
import { CreateStatementBody } from './statements.js';

describe('language tags', () => {
  it('accepts BCP 47 tags in canonical form and refuses what is not one', () => {
    expect(canonicalLanguage('EN-gb')).toBe('en-GB');
    expect(canonicalLanguage('sr-latn-rs')).toBe('sr-Latn-RS');
    expect(canonicalLanguage('he')).toBe('he');
    for (const bad of ['english', 'en_US', '', 'x', '12', 'en-', 'not a tag'])
      expect(canonicalLanguage(bad), bad).toBeNull();
    expect(LanguageTag.safeParse('fr').success).toBe(true);
    expect(LanguageTag.safeParse('français').success).toBe(false);
  });

  it('derives the writing direction from the likely script', () => {
    for (const rtl of ['he', 'ar', 'fa', 'ur', 'yi', 'az-Arab', 'ar-EG'])
      expect(languageDirection(rtl), rtl).toBe('rtl');
    for (const ltr of ['en', 'fr', 'ru', 'hr', 'az', 'sr-Cyrl', 'zh']) expect(languageDirection(ltr), ltr).toBe('ltr');
  });

  it('hashes the text alone for one language, and both tags and texts for two', () => {
    expect(statementDigestInput({ language: 'en', text: 'T', secondLanguage: null, secondText: null })).toBe('T');
    expect(statementDigestInput({ language: 'en', text: 'T', secondLanguage: 'fr', secondText: 'U' })).toBe(
      '["en","T","fr","U"]',
    );
  });

  it('names the missing half of a second text, and a second language equal to the first', () => {
    const paths = (body: unknown) => {
      const r = CreateStatementBody.safeParse(body);
      return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
    };
    expect(paths({ text: 't', secondLanguage: 'fr' })).toEqual(['secondText']);
    expect(paths({ text: 't', secondText: 'u' })).toEqual(['secondLanguage']);
    expect(paths({ text: 't', language: 'fr', secondLanguage: 'fr', secondText: 'u' })).toEqual(['secondLanguage']);
    expect(paths({ text: 't', language: 'en', secondLanguage: 'fr', secondText: 'u' })).toEqual([]);
  });
});
