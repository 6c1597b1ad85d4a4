import type { LanguagePreference, UiLanguage } from '@parley/protocol';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useLayoutEffect,
  useMemo,
  useState,
} from 'react';
import { RawIntlProvider, useIntl } from 'react-intl';
import { api } from '../api/endpoints';
import { useAuth } from '../auth/session';
import type { MessageId } from './catalogue';
import { translateServerErrors } from './error-words';
import { translateFieldErrors } from './field-words';
import { formatIn, type MessageValues, setLanguage } from './intl';
import {
  directionOf,
  forgetPickedLanguage,
  pickedLanguage,
  pickLanguage,
  rememberLanguage,
  resolveLanguage,
} from './languages';

translateServerErrors();
translateFieldErrors();

interface LanguageChoice {
  language: UiLanguage;
  /** Before sign-in: show this language now and keep it on the device (the profile wins once signed in). */
  choose(language: UiLanguage): void;
}
const LanguageContext = createContext<LanguageChoice>({ language: 'en', choose: () => {} });

/**
 * The app in the person's language: the profile's choice once signed in, before that what was picked on the sign-in
 * page, what this device last showed, or the browser's preference. The document's `lang` and `dir` follow, so the
 * layout mirrors for right to left.
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const { state, refresh } = useAuth();
  const preference: LanguagePreference | null = state.status === 'signed_in' ? state.user.language : null;
  // Bumped by the sign-in page's switch: the choice lives in storage, this makes the tree read it again.
  const [picks, setPicks] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `picks` stands for the stored choice that changed.
  const language = useMemo(() => resolveLanguage(preference), [preference, picks]);
  const intl = useMemo(() => setLanguage(language), [language]);

  useLayoutEffect(() => {
    const root = document.documentElement;
    root.lang = language;
    root.dir = directionOf(language);
  }, [language]);

  useLayoutEffect(() => {
    // A pick waiting for the profile is not overwritten by the profile's `system` before it is saved.
    if (preference && (preference !== 'system' || !pickedLanguage())) rememberLanguage(preference);
  }, [preference]);

  // After sign-in: a language picked before it becomes the preference of a profile that has none.
  useEffect(() => {
    const picked = pickedLanguage();
    if (!preference || !picked) return;
    forgetPickedLanguage();
    if (preference !== 'system') return;
    void api.account
      .setLanguage(picked)
      .then(() => refresh())
      .catch(() => {
        // The page still shows the picked language; the Account page can save it later.
      });
  }, [preference, refresh]);

  const choose = useCallback((next: UiLanguage) => {
    pickLanguage(next);
    setPicks((n) => n + 1);
  }, []);
  const choice = useMemo(() => ({ language, choose }), [language, choose]);

  return (
    <LanguageContext.Provider value={choice}>
      <RawIntlProvider key={language} value={intl}>
        {children}
      </RawIntlProvider>
    </LanguageContext.Provider>
  );
}

export const useLanguageChoice = () => useContext(LanguageContext);

/** `t('call.join')`: a message of the chosen language, re-rendered when the language changes. */
export function useT(): (id: MessageId, values?: MessageValues) => string {
  const intl = useIntl();
  return useCallback((id: MessageId, values?: MessageValues) => formatIn(intl, id, values), [intl]);
}
