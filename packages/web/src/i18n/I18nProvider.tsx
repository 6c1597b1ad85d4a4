import type { LanguagePreference } from '@parley/protocol';
import { type ReactNode, useCallback, useLayoutEffect, useMemo } from 'react';
import { RawIntlProvider, useIntl } from 'react-intl';
import { useAuth } from '../auth/session';
import type { MessageId } from './catalogue';
import { translateServerErrors } from './error-words';
import { type MessageValues, setLanguage } from './intl';
import { directionOf, rememberLanguage, resolveLanguage } from './languages';

translateServerErrors();

/**
 * The app in the person's language: the profile's choice once signed in, before that what this device last showed
 * or the browser's preference. The document's `lang` and `dir` follow, so the layout mirrors for right to left.
 */
export function I18nProvider({ children }: { children: ReactNode }) {
  const { state } = useAuth();
  const preference: LanguagePreference | null = state.status === 'signed_in' ? state.user.language : null;
  const language = resolveLanguage(preference);
  const intl = useMemo(() => setLanguage(language), [language]);

  useLayoutEffect(() => {
    const root = document.documentElement;
    root.lang = language;
    root.dir = directionOf(language);
  }, [language]);

  useLayoutEffect(() => {
    if (preference) rememberLanguage(preference);
  }, [preference]);

  return (
    <RawIntlProvider key={language} value={intl}>
      {children}
    </RawIntlProvider>
  );
}

/** `t('call.join')`: a message of the chosen language, re-rendered when the language changes. */
export function useT(): (id: MessageId, values?: MessageValues) => string {
  const intl = useIntl();
  return useCallback((id: MessageId, values?: MessageValues) => intl.formatMessage({ id }, values), [intl]);
}
