/** Applies the look the content script measured on the page (validated by the background's schema). */
import type { FrameStyle } from '../messaging/overlay-messages';
import { frameLook, VIEW_CUE_GAP_PX, VIEW_PAD_PX } from '../messaging/frame-look';

/**
 * Sets the frame's custom properties (frame.css draws with them). Sizes and colours go through
 * frameLook: clamped, opaque, with enough contrast, whatever the page reported. The family is the
 * page's own list; `mastodon-font-sans-serif` (Mastodon's name for Roboto, a font the page's CSS
 * defines and a frame cannot use) is defined in frame.css from the font the extension ships.
 */
/**
 * Text fonts a frame may take from the page's list (Mastodon's own and its "system font" list,
 * common system fonts): a page naming a symbol font (Webdings...) cannot make the text unreadable.
 */
const TEXT_FONTS = new Set([
  'mastodon-font-sans-serif',
  'roboto',
  'inter',
  'system-ui',
  '-apple-system',
  'blinkmacsystemfont',
  'segoe ui',
  'oxygen',
  'ubuntu',
  'cantarell',
  'fira sans',
  'droid sans',
  'helvetica neue',
  'helvetica',
  'arial',
  'noto sans',
  'dejavu sans',
  'liberation sans',
  'open sans',
  'lato',
  'verdana',
  'tahoma',
  'opendyslexic',
  'atkinson hyperlegible',
  'sans-serif',
  'serif',
  'ui-sans-serif',
]);

export function fontFamily(pageList: string): string {
  const names = pageList
    .split(',')
    .map((f) => f.trim().replace(/^["']|["']$/g, ''))
    .filter((f) => TEXT_FONTS.has(f.toLowerCase()));
  const generic = new Set(['sans-serif', 'serif', 'system-ui', 'ui-sans-serif', '-apple-system', 'blinkmacsystemfont']);
  const out = names.map((n) => (generic.has(n.toLowerCase()) ? n : `"${n}"`));
  if (!names.some((n) => n.toLowerCase() === 'sans-serif' || n.toLowerCase() === 'serif')) out.push('sans-serif');
  return out.join(', ');
}

export function applyStyle(style: FrameStyle): void {
  const look = frameLook(style);
  const s = document.documentElement.style;
  s.setProperty('--hush-fg', look.fg);
  s.setProperty('--hush-bg', look.bg);
  s.setProperty('--hush-link', look.link);
  s.setProperty('--hush-link-decoration', style.linkUnderline === true ? 'underline' : 'none');
  s.setProperty('--hush-font', fontFamily(style.fontFamily));
  s.setProperty('--hush-size', `${look.fontSizePx}px`);
  s.setProperty('--hush-line', `${look.lineHeightPx}px`);
  s.setProperty('--hush-cue-size', `${look.cueSizePx}px`);
  s.setProperty('--hush-cue-line', `${look.cueLinePx}px`);
  s.setProperty('--hush-pad', `${VIEW_PAD_PX}px`);
  s.setProperty('--hush-cue-gap', `${VIEW_CUE_GAP_PX}px`);
  s.setProperty('--hush-editor-pad', `${look.paddingPx}px`);
  s.setProperty('--hush-editor-line', style.lineHeightNormal === true ? 'normal' : `${look.lineHeightPx}px`);
  s.colorScheme = look.dark ? 'dark' : 'light';
  document.documentElement.dataset.theme = look.dark ? 'dark' : 'light';
}
