/**
 * How a frame draws with the look the page reported (FrameStyle), and how tall a view is. Shared
 * by the content script (which sets a view's height) and the frames (which draw inside it), so
 * both compute the same numbers. The page's style is attacker-controlled: every number is clamped
 * to a readable range and colours without contrast fall back to Hush's own, so a hostile page can
 * make neither the text nor the security cue small, invisible or unreadable.
 */
import type { FrameStyle, SizeClass } from './overlay-messages';

export interface FrameLook {
  /** Text: the page's size and line height, clamped. */
  readonly fontSizePx: number;
  readonly lineHeightPx: number;
  /** The security cue line (sender, trust, phrase): never below 12 px. */
  readonly cueSizePx: number;
  readonly cueLinePx: number;
  /** Opaque colours with enough contrast between text and background. */
  readonly fg: string;
  readonly bg: string;
  readonly link: string;
  readonly dark: boolean;
  /** Inner padding of the editor (the textarea's own), clamped. */
  readonly paddingPx: number;
}

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

type Rgb = readonly [number, number, number];
const RGB = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*[\d.]+\s*)?\)$/;

function rgbOf(c: string): Rgb | null {
  const m = RGB.exec(c);
  if (!m) return null;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])].map((x) => clamp(Math.round(x), 0, 255));
  return [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
}

/** WCAG relative luminance. */
function luminance([r, g, b]: Rgb): number {
  const lin = (x: number): number => {
    const s = x / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two colours (1..21). */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

const css = ([r, g, b]: Rgb): string => `rgb(${r}, ${g}, ${b})`;
const LIGHT: { fg: Rgb; bg: Rgb; link: Rgb } = { fg: [0, 0, 0], bg: [255, 255, 255], link: [0, 84, 186] };
const DARK: { fg: Rgb; bg: Rgb; link: Rgb } = { fg: [255, 255, 255], bg: [24, 26, 33], link: [140, 160, 255] };

/** Text needs 4.5:1 (WCAG AA); a link 3:1 against the background. */
const TEXT_CONTRAST = 4.5;
const LINK_CONTRAST = 3;

export function frameLook(style: FrameStyle): FrameLook {
  const fontSizePx = clamp(Math.round(style.fontSizePx * 4) / 4, 12, 32);
  const lineHeightPx = Math.round(clamp(style.lineHeightPx, fontSizePx * 1.15, fontSizePx * 2));
  const cueSizePx = clamp(Math.round(fontSizePx * 0.8), 12, 20);
  const cueLinePx = Math.round((cueSizePx * 4) / 3);
  let bg = rgbOf(style.background);
  let fg = rgbOf(style.color);
  const dark = bg === null ? style.dark : luminance(bg) < 0.2;
  const fallback = dark ? DARK : LIGHT;
  if (bg === null || fg === null || contrastRatio(fg, bg) < TEXT_CONTRAST) {
    bg = fallback.bg;
    fg = fallback.fg;
  }
  const linkRgb = rgbOf(style.link);
  const link = linkRgb !== null && contrastRatio(linkRgb, bg) >= LINK_CONTRAST ? linkRgb : fallback.link;
  return {
    fontSizePx,
    lineHeightPx,
    cueSizePx,
    cueLinePx,
    fg: css(fg),
    bg: css(bg),
    link: css(link),
    dark,
    paddingPx: clamp(Math.round(style.paddingPx ?? 0), 0, 24),
  };
}

/** Vertical padding of a view (top and bottom) and the gap under its cue line, in px. */
export const VIEW_PAD_PX = 2;
export const VIEW_CUE_GAP_PX = 2;

/**
 * The most plaintext bytes of each size class (background/overlay/views.ts) and the lines a
 * focused view of the class gets, at least and at most: the text of the largest message of the
 * class wraps into about `bytes / charsPerLine` lines at the view's width.
 */
const CLASS_BYTES: readonly number[] = [80, 280, 700, 1400];
const CLASS_MIN_LINES: readonly number[] = [1, 2, 4, 8];
const CLASS_MAX_LINES: readonly number[] = [3, 6, 12, 14];
/** Average advance of a character of Latin text, in em (Roboto and common sans-serif fonts: 0.45-0.5). */
const CHAR_EM = 0.5;
/**
 * Text lines of a view in a timeline, the DM column or a notification. Every chunk is padded to
 * the same length (PROTOCOL.md 4.8), so the class of a one-part message says nothing about its
 * text: a 1-line and a 9-line message are the same class. Sizing timeline views for the largest
 * message of the class would give every short message a tall, mostly empty box (issue #16 item
 * 7); they get two lines, the room of a typical direct message, more text scrolls inside the frame
 * (which says so) and a click opens the thread, where the focused view has the class's full room.
 */
export const TIMELINE_MAX_LINES = 2;

/** Text lines a view of `size` has at `widthPx` (more text scrolls inside the frame). */
export function viewLines(
  size: SizeClass,
  look: Pick<FrameLook, 'fontSizePx'>,
  widthPx: number,
  focused: boolean,
): number {
  const perLine = Math.max(12, Math.floor(Math.max(0, widthPx) / (look.fontSizePx * CHAR_EM)));
  const wanted = Math.ceil((CLASS_BYTES[size] ?? 80) / perLine);
  const room = clamp(wanted, CLASS_MIN_LINES[size] ?? 1, CLASS_MAX_LINES[size] ?? 3);
  return focused ? room : Math.min(room, TIMELINE_MAX_LINES);
}

/**
 * A secure view's height: a public function of the size class (2 bits, computed by the
 * background from the ciphertext's length), the page's style, the width the page gave the view
 * and whether the page shows the status focused (a thread's main status). Nothing else a page
 * could measure depends on the message (issue #15, invariant 5).
 */
export function viewHeightFor(size: SizeClass, style: FrameStyle, widthPx: number, focused: boolean): number {
  const look = frameLook(style);
  return (
    2 * VIEW_PAD_PX + look.cueLinePx + VIEW_CUE_GAP_PX + look.lineHeightPx * viewLines(size, look, widthPx, focused)
  );
}
