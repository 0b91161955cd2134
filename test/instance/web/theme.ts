// Colour scheme and contrast as Mastodon 4.6+ resolves them before its app starts (its inline
// theme-selection script; the shell's CSP allows no inline script, so it runs first here): the
// preference on html[data-color-scheme] ("auto" follows prefers-color-scheme, live) and
// html[data-contrast] ("auto" follows prefers-contrast: more).
export function applyTheme(root: HTMLElement = document.documentElement): void {
  const { colorScheme, contrast } = root.dataset;
  if (colorScheme === undefined) return; // before 4.6 there is no attribute (dark theme)
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  const more = window.matchMedia('(prefers-contrast: more)');
  const scheme = (): void => {
    root.dataset.colorScheme = colorScheme === 'auto' ? (dark.matches ? 'dark' : 'light') : colorScheme;
  };
  const high = (): void => {
    root.dataset.contrast = contrast === 'high' || more.matches ? 'high' : 'default';
  };
  dark.addEventListener('change', scheme);
  more.addEventListener('change', high);
  scheme();
  high();
}
