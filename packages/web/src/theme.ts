import type { ThemePreference } from '@parley/protocol';

/** Kept on the device too, so /theme.js can apply the person's choice before the first paint of the next visit. */
const KEY = 'parley-theme';

/** Shows the app in `theme`: light or dark as chosen, or (system) whatever the device's colour scheme says. */
export function applyTheme(theme: ThemePreference): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
  try {
    if (theme === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, theme);
  } catch {
    // Storage may be refused; the profile still holds the choice and the next sign-in applies it.
  }
}
