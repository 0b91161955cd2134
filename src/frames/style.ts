/** Applies the look the content script measured on the page (validated by the background's schema). */
import type { FrameStyle } from '../messaging/overlay-messages';

export function applyStyle(style: FrameStyle): void {
  const s = document.documentElement.style;
  s.setProperty('--hush-fg', style.color);
  s.setProperty('--hush-bg', style.background);
  s.setProperty('--hush-link', style.link);
  s.setProperty('--hush-font', style.fontFamily || 'system-ui, sans-serif');
  s.setProperty('--hush-size', `${style.fontSizePx}px`);
  s.setProperty('--hush-line', `${style.lineHeightPx}px`);
  s.colorScheme = style.dark ? 'dark' : 'light';
  document.documentElement.dataset.theme = style.dark ? 'dark' : 'light';
}
