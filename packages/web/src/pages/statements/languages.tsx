import { languageDirection } from '@parley/protocol';
import { useId } from 'react';
import { CheckboxField, TextField } from '../../components/forms';
import { TextAreaField } from '../../components/lifecycle/fields';
import { useT } from '../../i18n/I18nProvider';
import { locale } from '../../i18n/intl';

/** A text's languages as a form holds them: the second language is on or off, its fields kept while off. */
export interface LanguageDraft {
  language: string;
  second: boolean;
  secondLanguage: string;
  secondText: string;
}

export const NO_SECOND = { second: false, secondLanguage: '', secondText: '' };

export const draftOf = (s: { language: string; secondLanguage: string | null; secondText: string | null }) => ({
  language: s.language,
  second: s.secondLanguage !== null,
  secondLanguage: s.secondLanguage ?? '',
  secondText: s.secondText ?? '',
});

export const bodyOf = (d: LanguageDraft) => ({
  language: d.language.trim(),
  secondLanguage: d.second ? d.secondLanguage.trim() : null,
  secondText: d.second ? d.secondText : null,
});

export const sameLanguages = (a: LanguageDraft, b: LanguageDraft) =>
  JSON.stringify(bodyOf(a)) === JSON.stringify(bodyOf(b));

let names: Intl.DisplayNames | null = null;
/** The language's name in the language the interface shows now, or null for a tag that names none. */
export function languageName(tag: string): string | null {
  try {
    if (names?.resolvedOptions().locale !== locale()) {
      names = new Intl.DisplayNames(locale(), { type: 'language', fallback: 'none' });
    }
    return names.of(tag.trim()) ?? null;
  } catch {
    return null;
  }
}

const SUGGESTED = ['en', 'fr', 'he', 'ar', 'ru', 'uk', 'de', 'es', 'pt', 'it', 'hr', 'sr', 'tr', 'fa', 'zh', 'ja'];

/** A BCP 47 tag typed freely, with common languages suggested and the typed tag's name shown as a check. */
export function LanguageField({
  label,
  value,
  onChange,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  error?: string | undefined;
}) {
  const t = useT();
  const list = useId();
  const name = value.trim() ? languageName(value) : null;
  return (
    <>
      <TextField
        label={label}
        value={value}
        onChange={onChange}
        error={error}
        hint={name ? `${name}` : t('statements.languageTagHint')}
        list={list}
        autoComplete="off"
        spellCheck={false}
        className="field--language"
        maxLength={35}
      />
      <datalist id={list}>
        {SUGGESTED.map((t) => (
          <option key={t} value={t}>
            {languageName(t) ?? t}
          </option>
        ))}
      </datalist>
    </>
  );
}

/** The language of the main text, and the optional same text in a second language shown beside it. */
export function LanguageFields({
  draft,
  onChange,
  fields,
  limit,
}: {
  draft: LanguageDraft;
  onChange: (d: LanguageDraft) => void;
  fields: Record<string, string | undefined>;
  limit: number | undefined;
}) {
  const t = useT();
  return (
    <div className="stack stack--tight">
      <LanguageField
        label={t('statements.languageOfText')}
        value={draft.language}
        onChange={(language) => onChange({ ...draft, language })}
        error={fields.language}
      />
      <CheckboxField
        label={t('statements.secondToggle')}
        checked={draft.second}
        onChange={(second) => onChange({ ...draft, second })}
      />
      {draft.second ? (
        <>
          <LanguageField
            label={t('statements.secondLanguage')}
            value={draft.secondLanguage}
            onChange={(secondLanguage) => onChange({ ...draft, secondLanguage })}
            error={fields.secondLanguage}
          />
          <TextAreaField
            label={t('statements.secondText')}
            className="statement-editor"
            value={draft.secondText}
            onChange={(secondText) => onChange({ ...draft, secondText })}
            error={fields.secondText}
            rows={10}
            maxLength={limit}
            lang={draft.secondLanguage.trim() || undefined}
            dir="auto"
          />
        </>
      ) : null}
    </div>
  );
}

const dirOf = (tag: string) => {
  try {
    return languageDirection(tag);
  } catch {
    return 'ltr';
  }
};

/** A published or read-only text: each language in its own block, marked with its language and direction. */
export function StatementTexts(s: {
  text: string;
  language: string;
  secondLanguage: string | null;
  secondText: string | null;
}) {
  const block = (language: string, text: string, labelled: boolean) => (
    <div className="statement-texts__one">
      {labelled ? <p className="statement-texts__language">{languageName(language) ?? language}</p> : null}
      <div className="statement-text" data-testid="statement-text" lang={language} dir={dirOf(language)}>
        {text}
      </div>
    </div>
  );
  const second = s.secondLanguage !== null && s.secondText !== null;
  return (
    <div className={second ? 'statement-texts statement-texts--two' : 'statement-texts'}>
      {block(s.language, s.text, second)}
      {second ? block(s.secondLanguage!, s.secondText!, true) : null}
    </div>
  );
}
