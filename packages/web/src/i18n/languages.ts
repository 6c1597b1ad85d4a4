import { type LanguagePreference, UI_LANGUAGES, type UiLanguage } from '@parley/protocol';

/** Each language named in itself, so a reader finds their own whatever the app is showing now. */
export const LANGUAGE_NAMES: Record<UiLanguage, string> = {
  en: 'English',
  fr: 'Français',
  he: 'עברית',
  ar: 'العربية',
};

const RTL = new Set<UiLanguage>(['he', 'ar']);

export const directionOf = (language: UiLanguage): 'rtl' | 'ltr' => (RTL.has(language) ? 'rtl' : 'ltr');

const isUiLanguage = (tag: string): tag is UiLanguage => (UI_LANGUAGES as readonly string[]).includes(tag);

/** The first of the browser's preferred languages that the app is written in (`he-IL` → `he`), else English. */
export function browserLanguage(
  preferred: readonly string[] = navigator.languages ?? [navigator.language],
): UiLanguage {
  for (const tag of preferred) {
    const primary = tag.toLowerCase().split('-')[0] ?? '';
    // `iw` is Hebrew's withdrawn code, still sent by some older systems.
    const language = primary === 'iw' ? 'he' : primary;
    if (isUiLanguage(language)) return language;
  }
  return 'en';
}

/** Kept on the device too, so /theme.js can set `lang` and `dir` before the first paint of the next visit. */
const KEY = 'parley-language';

/** What this device last showed, for the pages before sign-in; the profile's choice wins once signed in. */
export const rememberedLanguage = (): UiLanguage | null => storedLanguage(KEY);

function storedLanguage(key: string): UiLanguage | null {
  try {
    const stored = localStorage.getItem(key);
    return stored && isUiLanguage(stored) ? stored : null;
  } catch {
    return null;
  }
}

export function rememberLanguage(preference: LanguagePreference): void {
  try {
    if (preference === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, preference);
  } catch {
    // Storage may be refused; the profile still holds the choice and the next sign-in applies it.
  }
}

/**
 * A language picked on the sign-in page, waiting for the next sign-in: a person whose profile names no language
 * (`system`) gets it saved as their preference; one whose profile names a language keeps theirs.
 */
const PICKED = 'parley-language-picked';

export const pickedLanguage = (): UiLanguage | null => storedLanguage(PICKED);

/** The sign-in page's choice: shown at once, remembered on this device, offered to the profile at sign-in. */
export function pickLanguage(language: UiLanguage): void {
  try {
    localStorage.setItem(PICKED, language);
  } catch {
    // Without storage the choice lasts as long as the page; the profile's own choice still applies after sign-in.
  }
  rememberLanguage(language);
}

export function forgetPickedLanguage(): void {
  try {
    localStorage.removeItem(PICKED);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

export const resolveLanguage = (preference: LanguagePreference | null): UiLanguage =>
  preference && preference !== 'system' ? preference : (pickedLanguage() ?? rememberedLanguage() ?? browserLanguage());
