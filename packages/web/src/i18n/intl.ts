import type { UiLanguage } from '@parley/protocol';
import { IntlMessageFormat } from 'intl-messageformat';
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
  return formatIn(current, id, values);
}

/**
 * Each message's parsed format, once per formatter. react-intl memoises them too, but under a key it serialises on
 * every call from all its arguments, the locale's whole set of formats included: tens of microseconds for each
 * message with values, and a call room formats hundreds of them per render.
 */
const parsed = new WeakMap<IntlShape, Map<string, IntlMessageFormat>>();

/** Messages without values, as formatted once per formatter: their text cannot change while the formatter lives. */
const plain = new WeakMap<IntlShape, Map<string, string>>();

/** What a formatter keeps per message id, made on the first ask. */
function kept<V>(cache: WeakMap<IntlShape, Map<string, V>>, intl: IntlShape, id: MessageId, make: () => V): V {
  let byId = cache.get(intl);
  if (!byId) {
    byId = new Map();
    cache.set(intl, byId);
  }
  let value = byId.get(id);
  if (value === undefined) {
    value = make();
    byId.set(id, value);
  }
  return value;
}

/** `intl.formatMessage({ id }, values)`, with the message's format parsed once (and its text kept if it has none). */
export function formatIn(intl: IntlShape, id: MessageId, values?: MessageValues): string {
  if (!values) return kept(plain, intl, id, () => intl.formatMessage({ id }));
  const message = intl.messages[id];
  if (typeof message !== 'string') return intl.formatMessage({ id }, values);
  const format = kept(
    parsed,
    intl,
    id,
    () => new IntlMessageFormat(message, intl.locale, intl.formats, { formatters: intl.formatters }),
  );
  try {
    const out = format.format(values);
    if (typeof out === 'string') return out;
  } catch {
    // A value missing or of the wrong kind: react-intl reports it its own way and shows what it can.
  }
  return intl.formatMessage({ id }, values);
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
