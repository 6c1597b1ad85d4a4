// Runs before the first paint (a classic script in <head>; the app's bundle comes later): the person's chosen
// theme, remembered on this device from their profile, so a dark choice never flashes light. Without a choice the
// stylesheet follows the system's colour scheme.
try {
  const theme = localStorage.getItem('parley-theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage may be refused (private modes); the system's scheme then applies.
}

// The same for the language this device last showed: `lang` and `dir` are right from the first paint, so a
// right-to-left reader never sees the layout flip.
try {
  const language = localStorage.getItem('parley-language');
  if (language === 'en' || language === 'fr' || language === 'he' || language === 'ar') {
    document.documentElement.lang = language;
    document.documentElement.dir = language === 'he' || language === 'ar' ? 'rtl' : 'ltr';
  }
} catch {
  // Storage may be refused; the app sets the browser's language once it starts.
}
