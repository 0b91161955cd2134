/**
 * Issue #16 items 6 and 7: a secure view and the secure editor look like the page around them.
 * Measured with computed styles inside the extension frames against the page's own plain status
 * and textarea, in Mastodon's light and dark themes and in high contrast: the same font family,
 * size and line height, colours and link style; a short message's view fits its text (no 96 px
 * box, no scrolling); nothing in the editor is clipped. Screenshots of a view next to a plain
 * status go to test-artifacts/look/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, stopWorld, type World } from '../adversarial/support';
import { api, encryptTo, postThread, publishedKey } from '../adversarial/node-party';
import { browserKinds } from './launch';
import { chooseDirect, clickHush, editorFrame, waitForPlaintext } from './overlay-support';

const artifacts = resolve('test-artifacts/look');

interface Look {
  fontSize: string;
  lineHeight: string;
  fontFamily: string;
  color: string;
  fontLoaded: boolean;
}
interface Measured extends Look {
  link: { color: string; decoration: string } | null;
  background: string;
}

/** Runs in the page or in a frame: the computed look of the element at `sel` and of its first link. */
const measure = (sel: string, linkSel: string): Measured | null => {
  const e = document.querySelector(sel);
  if (!e) return null;
  const cs = getComputedStyle(e);
  const a = document.querySelector(linkSel);
  let bg = 'rgba(0, 0, 0, 0)';
  for (let x: Element | null = e; x !== null && /rgba\(.*, 0\)$/.test(bg); x = x.parentElement)
    bg = getComputedStyle(x).backgroundColor;
  const first =
    cs.fontFamily
      .split(',')[0]
      ?.trim()
      .replace(/^["']|["']$/g, '') ?? '';
  return {
    fontSize: cs.fontSize,
    lineHeight: cs.lineHeight,
    fontFamily: cs.fontFamily,
    color: cs.color,
    background: bg,
    fontLoaded:
      document.fonts.check(`${cs.fontSize} "${first}"`) &&
      [...document.fonts].some((f) => f.family.replace(/["']/g, '') === first && f.status === 'loaded'),
    link: a ? { color: getComputedStyle(a).color, decoration: getComputedStyle(a).textDecorationLine } : null,
  };
};

/** Font lists compare without quotes and spaces ("a", b == a,b). */
const family = (f: string): string => f.replace(/["'\s]/g, '');

async function viewFrame(page: Page, statusId: string): Promise<Frame> {
  const h = await page.waitForSelector(`.hush-view[data-hush-for="${statusId}"] iframe`);
  const f = await h?.contentFrame();
  if (!f) throw new Error('no view frame');
  await f.waitForSelector('.hush-plaintext');
  // The web font is loaded (font-display: swap draws the fallback until then).
  await f.evaluate(() => document.fonts.ready.then(() => undefined));
  return f;
}

type Box = { x: number; y: number; width: number; height: number };

const formBox = (page: Page): Promise<Box> =>
  page.$eval('form.compose-form', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, y: r.top, width: r.width, height: Math.min(r.height, window.innerHeight - r.top) };
  });

/**
 * A screenshot of what is on screen now. Not an element screenshot: Chromium's capture beyond the
 * viewport resizes the view, and the frames' occlusion check (IntersectionObserver v2) then reports
 * them covered for a moment, which is what would be photographed.
 */
async function shoot(page: Page, frames: Frame[], name: string, clip: Box): Promise<void> {
  for (const f of frames)
    await f.waitForFunction(() => !document.documentElement.classList.contains('hush-covered'), { timeout: 10_000 });
  await page.screenshot({ path: `${artifacts}/${name}.png`, clip, captureBeyondViewport: false });
}

describe.each(browserKinds())('secure views and the editor look like the page in %s', (kind) => {
  let w: World;
  let plainId = '';
  let secureId = '';
  const secret = 'see you at noon https://example.com/noon';

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    w = await startWorld(kind, null);
    await api(w.a, 'alice', 'POST', '/api/v1/statuses', {
      status: 'a plain status to compare https://example.com/plain',
      visibility: 'public',
    });
    const bobKey = await publishedKey(w.b, 'bob');
    await postThread(w.alice, encryptTo(w.alice, [{ acct: 'bob@b.test', key: bobKey }], secret));
    await w.a.deliveriesSettled();
    const local = await api<{ id: string; content: string }[]>(w.b, 'bob', 'GET', '/api/v1/timelines/home');
    plainId = local.find((s) => s.content.includes('a plain status'))?.id ?? '';
    expect(plainId).not.toBe('');
  });
  afterAll(async () => {
    await stopWorld(w);
  });

  for (const [scheme, contrast] of [
    ['light', 'auto'],
    ['dark', 'auto'],
    ['dark', 'high'],
  ] as const) {
    it(`${scheme}${contrast === 'high' ? ', high contrast' : ''}: a view has the plain status's font, size, line height, colours and link style, and fits its text`, async () => {
      await w.b.adversary.setAppearance('bob', scheme, contrast);
      const page = w.bob.page;
      await page.goto(`${w.b.origin}/home`);
      expect(await page.evaluate(() => document.documentElement.dataset.colorScheme)).toBe(scheme);
      const seen = await waitForPlaintext(page, 'see you at noon');
      secureId = seen.statusId;
      const frame = await viewFrame(page, secureId);
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      const pageLook = await page.evaluate(
        measure,
        `.status[data-id="${plainId}"] .status__content__text p`,
        `.status[data-id="${plainId}"] .status__content__text a`,
      );
      const viewLook = await frame.evaluate(measure, '.hush-plaintext', '.hush-plaintext a');
      console.log(
        `[look] ${kind} ${scheme}/${contrast} page ${JSON.stringify(pageLook)} view ${JSON.stringify(viewLook)}`,
      );
      if (!pageLook || !viewLook) throw new Error('nothing to measure');
      expect(viewLook.fontSize).toBe(pageLook.fontSize);
      expect(viewLook.lineHeight).toBe(pageLook.lineHeight);
      expect(family(viewLook.fontFamily)).toBe(family(pageLook.fontFamily));
      // The page's web font (Mastodon's Roboto) is drawn in the frame from the extension's copy.
      expect(pageLook.fontLoaded).toBe(true);
      expect(viewLook.fontLoaded).toBe(true);
      expect(viewLook.color).toBe(pageLook.color);
      expect(viewLook.background).toBe(pageLook.background);
      expect(viewLook.link).toEqual(pageLook.link);

      // Fit: a one-line message gets its text's room (class 0 at this width), nothing scrolls.
      const fit = await frame.evaluate(() => ({
        scroll: document.documentElement.scrollHeight,
        inner: window.innerHeight,
        text: Math.round(document.querySelector('.hush-plaintext')?.getBoundingClientRect().height ?? 0),
        badge: Math.round(document.querySelector('.hush-badge')?.getBoundingClientRect().height ?? 0),
      }));
      const plainText = await page.$eval(`.status[data-id="${plainId}"] .status__content__text`, (e) =>
        Math.round(e.getBoundingClientRect().height),
      );
      console.log(`[look] ${kind} ${scheme} fit ${JSON.stringify({ ...fit, plainText })}`);
      expect(fit.scroll).toBeLessThanOrEqual(fit.inner);
      // At most one text line more than the text needs, plus the one cue line.
      expect(fit.inner).toBeLessThanOrEqual(fit.text + parseFloat(pageLook.lineHeight) + fit.badge + 8);

      const box = await page.evaluate(
        (a: string, b: string) => {
          const r = [a, b].map((id) => document.querySelector(`.status[data-id="${id}"]`)?.getBoundingClientRect());
          const top = Math.min(...r.map((x) => x?.top ?? 0));
          const bottom = Math.max(...r.map((x) => x?.bottom ?? 0));
          const left = Math.min(...r.map((x) => x?.left ?? 0));
          const right = Math.max(...r.map((x) => x?.right ?? 0));
          return { x: left, y: top, width: right - left, height: bottom - top };
        },
        plainId,
        secureId,
      );
      await shoot(page, [frame], `${kind}-view-${scheme}${contrast === 'high' ? '-high-contrast' : ''}`, box);
    });
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: the editor has the textarea's font, size, line height and padding; nothing in it is clipped`, async () => {
      await w.b.adversary.setAppearance('bob', scheme, 'auto');
      const page = w.bob.page;
      await page.goto(`${w.b.origin}/home`);
      await chooseDirect(page);
      await page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
      const frame = await editorFrame(page);
      await frame.evaluate(() => document.fonts.ready.then(() => undefined));
      const textarea = await page.$eval('form.compose-form textarea.autosuggest-textarea__textarea', (e) => {
        const cs = getComputedStyle(e);
        return {
          fontSize: cs.fontSize,
          lineHeight: cs.lineHeight,
          fontFamily: cs.fontFamily,
          color: cs.color,
          padding: cs.paddingTop,
        };
      });
      const editor = await frame.evaluate(() => {
        const cs = getComputedStyle(document.querySelector('textarea.hush-editor') as Element);
        const root = document.getElementById('hush-frame') as HTMLElement;
        const clipped = [...root.children]
          .filter((c) => !(c as HTMLElement).hidden && getComputedStyle(c).display !== 'none')
          .filter(
            (c) =>
              c.getBoundingClientRect().bottom > window.innerHeight + 0.5 ||
              (c.scrollHeight > c.clientHeight + 1 &&
                getComputedStyle(c).overflowY !== 'auto' &&
                c.tagName !== 'TEXTAREA'),
          )
          .map((c) => c.className);
        return {
          fontSize: cs.fontSize,
          lineHeight: cs.lineHeight,
          fontFamily: cs.fontFamily,
          color: cs.color,
          padding: getComputedStyle(root).paddingTop,
          clipped,
          scroll: document.documentElement.scrollHeight,
          inner: window.innerHeight,
          area: Math.round(document.querySelector('textarea.hush-editor')?.getBoundingClientRect().height ?? 0),
        };
      });
      console.log(`[look] ${kind} ${scheme} textarea ${JSON.stringify(textarea)} editor ${JSON.stringify(editor)}`);
      expect(editor.fontSize).toBe(textarea.fontSize);
      expect(editor.lineHeight).toBe(textarea.lineHeight);
      expect(family(editor.fontFamily)).toBe(family(textarea.fontFamily));
      expect(editor.color).toBe(textarea.color);
      expect(editor.padding).toBe(textarea.padding);
      expect(editor.clipped).toEqual([]);
      expect(editor.scroll).toBeLessThanOrEqual(editor.inner);
      // Room for at least two lines of text.
      expect(editor.area).toBeGreaterThanOrEqual(2 * parseFloat(textarea.fontSize));
      await shoot(page, [frame], `${kind}-editor-${scheme}`, await formBox(page));
    });
  }

  it("the thread's focused status: the view takes its larger text (19px) and the class's full room", async () => {
    await w.b.adversary.setAppearance('bob', 'light', 'auto');
    const page = w.bob.page;
    await page.goto(`${w.b.origin}/@alice@a.test/${secureId}`);
    const h = await page.waitForSelector(`.detailed-status .hush-view[data-hush-for="${secureId}"] iframe`);
    const frame = await h?.contentFrame();
    if (!frame) throw new Error('no focused view');
    await frame.waitForSelector('.hush-plaintext');
    await frame.evaluate(() => document.fonts.ready.then(() => undefined));
    const focused = await page.evaluate(() => {
      const cs = getComputedStyle(document.querySelector('.detailed-status .status__content') as Element);
      return { fontSize: cs.fontSize, lineHeight: cs.lineHeight };
    });
    const view = await frame.evaluate(() => {
      const cs = getComputedStyle(document.querySelector('.hush-plaintext') as Element);
      return { fontSize: cs.fontSize, lineHeight: cs.lineHeight, inner: window.innerHeight };
    });
    console.log(`[look] ${kind} focused page ${JSON.stringify(focused)} view ${JSON.stringify(view)}`);
    expect(view.fontSize).toBe(focused.fontSize);
    expect(view.lineHeight).toBe(focused.lineHeight);
    // More room than a timeline view (two text lines): the class's, at this width.
    expect(view.inner).toBeGreaterThan(4 + 16 + 2 + 2 * parseFloat(focused.lineHeight));
  });

  it("mobile /publish: the editor has the textarea's 16px", async () => {
    const page = w.bob.page;
    await page.setViewport({ width: 500, height: 800 });
    try {
      await page.goto(`${w.b.origin}/publish`);
      await chooseDirect(page);
      await page.waitForSelector('.hush-lock-bar[data-hush-lock="on"]');
      const frame = await editorFrame(page);
      const textarea = await page.$eval(
        'form.compose-form textarea.autosuggest-textarea__textarea',
        (e) => getComputedStyle(e).fontSize,
      );
      const editor = await frame.evaluate(
        () => getComputedStyle(document.querySelector('textarea.hush-editor') as Element).fontSize,
      );
      console.log(`[look] ${kind} mobile textarea ${textarea} editor ${editor}`);
      expect(textarea).toBe('16px');
      expect(editor).toBe(textarea);
    } finally {
      await page.setViewport({ width: 1280, height: 900 });
    }
  });

  it('the reply preview shows a short Hush placeholder, not the ciphertext (and never the plaintext)', async () => {
    await w.b.adversary.setAppearance('bob', 'dark', 'auto');
    const page = w.bob.page;
    await page.goto(`${w.b.origin}/home`);
    const seen = await waitForPlaintext(page, 'see you at noon');
    await clickHush(page, `.status[data-id="${seen.statusId}"] .status__action-bar button`, 'firefox');
    await page.waitForSelector('form.compose-form .reply-indicator .hush-quoted-placeholder');
    const preview = await page.$eval('form.compose-form .reply-indicator', (e) => ({
      text: (e as HTMLElement).innerText,
      quotedShown: getComputedStyle(e.querySelector('.reply-indicator__content') as Element).display !== 'none',
    }));
    expect(preview.quotedShown).toBe(false);
    expect(preview.text).toContain('Hush encrypted message');
    // No ciphertext characters (CJK blocks of the text encoding) and no plaintext in the page's preview.
    expect(preview.text).not.toMatch(/[\u3400-\u9FFF]/u);
    expect(preview.text).not.toContain('[Hush encrypted message]');
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('see you at noon');
    await shoot(page, [], `${kind}-reply-preview`, await formBox(page));
  });
});
