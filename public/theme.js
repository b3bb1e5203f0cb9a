// The saved theme, before the first paint (see src/lib/storage/preferences.ts). Loaded by
// index.html as a classic script: the Content Security Policy allows no inline script.
try {
  const theme = JSON.parse(localStorage.getItem('ferry:preferences') ?? '{}').theme
  if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme
} catch {}
