import type { UiLanguage } from '@parley/protocol';
import { createIntl, createIntlCache, type IntlShape } from 'react-intl';
import { type MessageId, messagesFor } from './catalogue';

const cache = createIntlCache();
let current: IntlShape = make('en');

function make(language: UiLanguage): IntlShape {
  return createIntl(
    {
      locale: language,
      defaultLocale: 'en',
      messages: messagesFor(language),
      // A missing message shows its English text (catalogue.ts); the unit test is where a gap is reported.
      onError: () => {},
    },
    cache,
  );
}

/** The formatter for the chosen language, also for code outside React (error messages, date helpers). */
export function intl(): IntlShape {
  return current;
}

export function setLanguage(language: UiLanguage): IntlShape {
  if (current.locale !== language) current = make(language);
  return current;
}

export type MessageValues = Record<string, string | number | Date | null | undefined>;

/** A message in the chosen language, outside React; components use `useT`. */
export function t(id: MessageId, values?: MessageValues): string {
  return current.formatMessage({ id }, values);
}

/** The chosen language as a BCP 47 tag for `Intl` formatters. */
export const locale = (): string => current.locale;

/**
 * A lookup of labels (`{ planned: 'Planned', … }`) read in the language shown now: each property asks the catalogue
 * when it is read, and the app re-renders from the top when the language changes.
 */
export function translatedRecord<K extends string>(keys: readonly K[], id: (key: K) => MessageId): Record<K, string> {
  const out = {} as Record<K, string>;
  for (const key of keys) Object.defineProperty(out, key, { enumerable: true, get: () => t(id(key)) });
  return out;
}
