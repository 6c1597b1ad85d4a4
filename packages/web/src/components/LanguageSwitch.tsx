import { UI_LANGUAGES, type UiLanguage } from '@parley/protocol';
import { useId } from 'react';
import { useLanguageChoice, useT } from '../i18n/I18nProvider';
import { LANGUAGE_NAMES } from '../i18n/languages';

/**
 * The pages before sign-in offer the four languages, each named in itself so a reader finds theirs whatever is
 * shown now. The choice applies at once and waits on the device for the profile (I18nProvider).
 */
export function LanguageSwitch() {
  const { language, choose } = useLanguageChoice();
  const t = useT();
  const id = useId();
  return (
    <div className="language-switch">
      <label htmlFor={id}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16" focusable="false">
          <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeWidth="1.6" />
          <path
            d="M3 12h18M12 3c2.5 2.6 3.8 5.6 3.8 9s-1.3 6.4-3.8 9c-2.5-2.6-3.8-5.6-3.8-9S9.5 5.6 12 3z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
          />
        </svg>
        <span className="visually-hidden">{t('sign-in.language')}</span>
      </label>
      <select
        id={id}
        name="language"
        data-testid="language-switch"
        value={language}
        onChange={(e) => choose(e.target.value as UiLanguage)}
      >
        {UI_LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}
