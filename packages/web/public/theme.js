// Runs before the first paint (a classic script in <head>; the app's bundle comes later): the person's chosen
// theme, remembered on this device from their profile, so a dark choice never flashes light. Without a choice the
// stylesheet follows the system's colour scheme.
try {
  const theme = localStorage.getItem('parley-theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
} catch {
  // Storage may be refused (private modes); the system's scheme then applies.
}
