import { describe, expect, it } from 'vitest';
import { contrastRatio, frameLook, viewHeightFor, viewLines } from './frame-look';
import type { FrameStyle } from './overlay-messages';

const page: FrameStyle = {
  color: 'rgb(255, 255, 255)',
  background: 'rgb(40, 44, 55)',
  link: 'rgb(140, 141, 255)',
  fontFamily: 'mastodon-font-sans-serif, sans-serif',
  fontSizePx: 15,
  lineHeightPx: 22,
  dark: true,
};

describe("frameLook: the page's look, kept readable whatever the page reports", () => {
  it("takes Mastodon's own look as it is", () => {
    expect(frameLook(page)).toMatchObject({
      fontSizePx: 15,
      lineHeightPx: 22,
      cueSizePx: 12,
      cueLinePx: 16,
      fg: 'rgb(255, 255, 255)',
      bg: 'rgb(40, 44, 55)',
      link: 'rgb(140, 141, 255)',
      dark: true,
    });
  });

  it('clamps sizes a hostile page makes tiny or huge; the cue never goes below 12 px', () => {
    const tiny = frameLook({ ...page, fontSizePx: 8, lineHeightPx: 8 });
    expect(tiny.fontSizePx).toBe(12);
    expect(tiny.lineHeightPx).toBeGreaterThanOrEqual(14);
    expect(tiny.cueSizePx).toBe(12);
    const huge = frameLook({ ...page, fontSizePx: 40, lineHeightPx: 80 });
    expect(huge.fontSizePx).toBe(32);
    expect(huge.lineHeightPx).toBeLessThanOrEqual(64);
    // Lines never overlap: the line height is at least the font size.
    expect(frameLook({ ...page, fontSizePx: 30, lineHeightPx: 8 }).lineHeightPx).toBeGreaterThanOrEqual(30);
  });

  it("text the colour of its background (or faint) falls back to Hush's own colours; so does an invisible link", () => {
    const same = frameLook({ ...page, color: 'rgb(40, 44, 55)' });
    expect(contrastRatio([255, 255, 255], [24, 26, 33])).toBeGreaterThan(4.5);
    expect([same.fg, same.bg]).toEqual(['rgb(255, 255, 255)', 'rgb(24, 26, 33)']);
    const faint = frameLook({ ...page, color: 'rgb(250, 250, 250)', background: 'rgb(255, 255, 255)', dark: false });
    expect([faint.fg, faint.bg]).toEqual(['rgb(0, 0, 0)', 'rgb(255, 255, 255)']);
    expect(frameLook({ ...page, link: 'rgb(41, 44, 55)' }).link).toBe('rgb(140, 160, 255)');
    // Transparent colours are made opaque.
    expect(frameLook({ ...page, color: 'rgba(255, 255, 255, 0)' }).fg).toBe('rgb(255, 255, 255)');
  });
});

describe('view heights: public facts only', () => {
  it("a timeline view has two text lines and the cue; the focused status has the class's room", () => {
    const look = frameLook(page);
    for (const size of [0, 1, 2, 3] as const) expect(viewLines(size, look, 520, false)).toBeLessThanOrEqual(2);
    expect(viewHeightFor(2, page, 520, false)).toBe(2 * 2 + 16 + 2 + 2 * 22);
    expect(viewLines(2, look, 520, true)).toBe(Math.ceil(700 / Math.floor(520 / 7.5)));
    expect(viewLines(3, look, 520, true)).toBe(14);
    // A narrow column: more lines for the same class, within the class's bounds.
    expect(viewLines(1, look, 300, true)).toBeGreaterThan(viewLines(1, look, 700, true));
  });

  it('depends on nothing but the class, the style, the width and the focus', () => {
    const heights = new Set<number>();
    for (const size of [0, 1, 2, 3] as const)
      for (const focused of [false, true]) heights.add(viewHeightFor(size, page, 520, focused));
    expect(heights.size).toBeLessThanOrEqual(8);
  });
});
