/** Applies the look the content script measured on the page (validated by the background's schema). */
import type { FrameStyle } from '../messaging/overlay-messages';

/** rgba(r, g, b, a) -> rgb(r, g, b): the page cannot make Hush's text or warnings transparent. */
const opaque = (c: string): string => c.replace(/^rgba\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*[\d.]+\s*\)$/, 'rgb($1, $2, $3)');

export function applyStyle(style: FrameStyle): void {
  const s = document.documentElement.style;
  s.setProperty('--hush-fg', opaque(style.color));
  s.setProperty('--hush-bg', opaque(style.background));
  s.setProperty('--hush-link', opaque(style.link));
  s.setProperty('--hush-font', style.fontFamily || 'system-ui, sans-serif');
  s.setProperty('--hush-size', `${style.fontSizePx}px`);
  s.setProperty('--hush-line', `${style.lineHeightPx}px`);
  s.colorScheme = style.dark ? 'dark' : 'light';
  document.documentElement.dataset.theme = style.dark ? 'dark' : 'light';
}
